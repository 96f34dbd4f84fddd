"""The minute sweep turns tickets at risk and breached, and escalates each step once."""

from __future__ import annotations

from typing import Any

import pytest

from huifang.notifications.models import Notification
from huifang.tickets import services
from huifang.tickets.models import Escalation, SlaMark
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db
OPENED = sh(2026, 11, 27, 17, 30)  # Friday; major: response due Monday 14:30


def test_it_leaves_a_ticket_alone_before_the_at_risk_share(desk: Desk, make_customer: Any) -> None:
    ticket = desk.open(make_customer(), now=OPENED)
    services.tickets_sla_sweep(now=sh(2026, 11, 30, 11, 29))
    ticket.refresh_from_db()
    assert ticket.response_sla == SlaMark.ON_TRACK
    assert not Escalation.objects.exists()


def test_it_escalates_each_step_once_however_often_it_runs(desk: Desk, make_customer: Any) -> None:
    ticket = desk.open(make_customer(), now=OPENED)
    for _ in range(3):
        services.tickets_sla_sweep(now=sh(2026, 11, 30, 15))
    ticket.refresh_from_db()
    assert ticket.response_sla == SlaMark.BREACHED
    # It jumped straight past at-risk to breached: one step, the supervisor told once.
    assert list(Escalation.objects.values_list("reason", "level")) == [("response_breached", 2)]
    assert (
        Notification.objects.filter(recipient=desk.org.supervisor, kind="ticket_escalation").count()
        == 1
    )
    assert ticket.escalation_level == 2


def test_it_does_not_escalate_a_ticket_answered_in_time(desk: Desk, make_customer: Any) -> None:
    ticket = desk.open(make_customer(), now=OPENED)
    assert ticket.owner is not None
    services.ticket_add_update(
        ticket=ticket, actor=ticket.owner, body="已收到，工程师今天联系您", to_customer=True,
        now=sh(2026, 11, 30, 10),
    )  # fmt: skip
    services.tickets_sla_sweep(now=sh(2026, 11, 30, 16))
    ticket.refresh_from_db()
    assert ticket.response_sla == SlaMark.MET
    assert ticket.first_response_at == sh(2026, 11, 30, 10)
    assert not Escalation.objects.filter(reason__startswith="response").exists()


def test_the_clock_stands_still_while_waiting_on_the_customer(
    desk: Desk, make_customer: Any
) -> None:
    ticket = desk.open(make_customer(), now=sh(2026, 11, 23, 9))  # Monday, due 14:00
    assert ticket.owner is not None
    services.ticket_wait_on_customer(ticket=ticket, actor=ticket.owner, now=sh(2026, 11, 23, 10))
    services.tickets_sla_sweep(now=sh(2026, 11, 23, 16))
    assert not Escalation.objects.filter(reason__startswith="solution").exists()
    services.ticket_resume(ticket=ticket, actor=ticket.owner, now=sh(2026, 11, 23, 15))
    ticket.refresh_from_db()
    # 3 working hours paused (10–12, 14–15): the 48 h solution clock moves 3 h later.
    assert ticket.paused_working.total_seconds() == 3 * 3600
    # Without the pause it was due Tuesday 12-01 17:00.
    assert ticket.solution_due_at == sh(2026, 12, 2, 11)


def test_an_urgent_ticket_tells_the_supervisor_at_once(desk: Desk, make_customer: Any) -> None:
    ticket = desk.open(make_customer(), severity="urgent", now=sh(2026, 11, 24, 10))
    notice = Notification.objects.get(recipient=desk.org.supervisor, kind="ticket_escalation")
    assert ticket.number in notice.title
    assert Escalation.objects.get(ticket=ticket).reason == "urgent_opened"
