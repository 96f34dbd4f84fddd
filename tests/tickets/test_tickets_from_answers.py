"""Low satisfaction scores and NPS detractors open tickets by a configurable rule."""

from __future__ import annotations

from typing import Any

import pytest

from huifang.tickets import services
from huifang.tickets.models import Ticket
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db
NOW = sh(2026, 11, 24, 10)


def answer(customer: Any, score: int, scale: str = "csat", ref: str = "a1") -> Ticket | None:
    return services.ticket_create_from_answer(
        customer_id=customer.pk, score=score, scale=scale, answer_ref=ref, now=NOW
    )


@pytest.mark.parametrize(
    ("scale", "score", "opens"),
    [("csat", 1, True), ("csat", 2, True), ("csat", 3, False), ("nps", 6, True), ("nps", 7, False)],
)
def test_it_opens_a_ticket_for_low_scores_only(
    desk: Desk, make_customer: Any, scale: str, score: int, opens: bool
) -> None:
    assert (answer(make_customer(), score, scale) is not None) is opens


def test_the_same_answer_opens_one_ticket(desk: Desk, make_customer: Any) -> None:
    customer = make_customer()
    assert answer(customer, 1) == answer(customer, 1)
    assert Ticket.objects.get().source == "survey"


def test_the_thresholds_are_configurable(desk: Desk, make_customer: Any) -> None:
    config = services.ticket_settings()
    config.csat_at_most, config.nps_at_most = 3, 4
    config.save()
    customer = make_customer()
    assert answer(customer, 3, ref="a") is not None
    assert answer(customer, 5, "nps", ref="b") is None


def test_a_score_off_the_scale_is_refused_in_chinese(desk: Desk, make_customer: Any) -> None:
    with pytest.raises(services.TicketError, match="该评分应在 0 到 10 之间"):
        answer(make_customer(), 11, "nps")
    assert not Ticket.objects.exists()
