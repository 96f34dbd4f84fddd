"""Signed, expiring survey links, bound to one follow-up and its customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "huifang.surveys.link"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


@dataclass(frozen=True)
class LinkTarget:
    followup_id: int
    customer_id: int


def make_token(*, followup_id: int, customer_id: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{followup_id}.{customer_id}")


def survey_url(*, followup_id: int, customer_id: int) -> str:
    token = make_token(followup_id=followup_id, customer_id=customer_id)
    return settings.HUIFANG_SITE_URL + reverse("surveys:answer", args=[token])


def max_age() -> timedelta:
    return timedelta(days=settings.HUIFANG_SURVEY_LINK_DAYS)


def read_token(token: str) -> LinkTarget:
    """The follow-up and customer a token stands for; LinkExpired or LinkInvalid otherwise."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    followup_id, _, customer_id = value.partition(".")
    if not (followup_id.isdigit() and customer_id.isdigit()):
        raise LinkInvalid
    return LinkTarget(int(followup_id), int(customer_id))
