"""Signed, expiring confirmation links, bound to one ticket and one solve round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

SALT = "huifang.tickets.confirmation"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


@dataclass(frozen=True)
class LinkTarget:
    ticket_id: int
    solve_round: int


def make_token(*, ticket_id: int, solve_round: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{ticket_id}.{solve_round}")


def read_token(token: str, *, max_age: timedelta) -> LinkTarget:
    """The ticket and round a token stands for; LinkExpired or LinkInvalid otherwise."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    ticket_id, _, solve_round = value.partition(".")
    if not (ticket_id.isdigit() and solve_round.isdigit()):
        raise LinkInvalid
    return LinkTarget(int(ticket_id), int(solve_round))
