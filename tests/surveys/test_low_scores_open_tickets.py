"""Low answers open a ticket, whatever the scale: CSAT 1–5, rating 1–10, NPS detractors."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from huifang.surveys.links import make_token
from huifang.tickets.models import Ticket
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup

FIRST_USE_ANSWERS = {"received": "yes", "training": "no", "satisfaction": "5"}


def answer_first_use(org: Org, ease: str) -> Any:
    f = followup(customer(team=org.east, owner=org.agent), channel="sms", questionnaire="first_use")
    link = reverse("surveys:answer", args=[make_token(followup_id=f.pk, customer_id=f.customer_id)])
    page = Client().post(link, {**FIRST_USE_ANSWERS, "ease": ease})
    assert "感谢您的回答" in page.content.decode()
    return f


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_rating_of_4_out_of_10_opens_a_ticket_for_the_follow_up(org: Org) -> None:
    f = answer_first_use(org, "4")

    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.followup_id, ticket.customer_id) == (
        "survey", f.pk, f.customer_id,
    )  # fmt: skip
    assert ticket.title == "评分偏低：4/10"
    page = org.client_for(org.supervisor).get(reverse("tickets:detail", args=[ticket.pk]))
    assert "评分偏低：4/10" in page.content.decode()


@pytest.mark.parametrize("ease", ["5", "10"])
@time_machine.travel(THURSDAY_10, tick=False)
def test_a_rating_above_4_opens_no_ticket(org: Org, ease: str) -> None:
    answer_first_use(org, ease)
    assert not Ticket.objects.exists()


@time_machine.travel(THURSDAY_10, tick=False)
def test_the_rating_threshold_is_a_setting(org: Org, settings: Any) -> None:
    settings.HUIFANG_RATING10_TICKET_AT_MOST = 6
    answer_first_use(org, "6")
    assert Ticket.objects.get().title == "评分偏低：6/10"


@pytest.mark.parametrize(("nps", "opens"), [("0", True), ("6", True), ("7", False)])
@time_machine.travel(THURSDAY_10, tick=False)
def test_nps_detractors_0_to_6_open_a_ticket(org: Org, nps: str, opens: bool) -> None:
    f = followup(customer(team=org.east, owner=org.agent), channel="sms", questionnaire="nps")
    link = reverse("surveys:answer", args=[make_token(followup_id=f.pk, customer_id=f.customer_id)])
    Client().post(link, {"nps": nps, "detractor_reason": "价格"})
    assert Ticket.objects.filter(followup=f).exists() is opens
