"""From a follow-up answer to a closed ticket and the post-solution follow-ups (T1–T5)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from huifang.followups.models import FollowUp
from huifang.notifications.models import Notification
from huifang.tickets import services
from huifang.tickets.models import Escalation, SlaMark, Status, Ticket
from tests.tickets.conftest import Desk, sh


def confirm_by_link(link: str, *, solved: str, satisfaction: int) -> str:
    path = link.split("://", 1)[-1].split("/", 1)[1]
    response = Client().post(f"/{path}", {"solved": solved, "satisfaction": satisfaction})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_it_walks_a_low_score_all_the_way_to_closure(desk: Desk, make_customer: Any) -> None:
    org = desk.org
    customer = make_customer(tier="normal")
    services_settings = services.ticket_settings()
    services_settings.answer_category = "quality_fault"
    services_settings.answer_severity = "major"
    services_settings.save()

    # A follow-up answer of 1/5 opens a ticket, routed to technical support.
    ticket = services.ticket_create_from_answer(
        customer_id=customer.pk, score=1, scale="csat", answer_ref="answer:77",
        now=sh(2026, 11, 27, 17, 30), comment="机器总是死机",
    )  # fmt: skip
    assert ticket is not None
    assert ticket.department == org.tech
    assert ticket.owner in (org.technician, desk.technician2)
    assert ticket.response_due_at == sh(2026, 11, 30, 14, 30)

    # Monday 11:30 three of four working hours are gone: at risk, the owner is told.
    services.tickets_sla_sweep(now=sh(2026, 11, 30, 11, 30))
    ticket.refresh_from_db()
    assert ticket.response_sla == SlaMark.AT_RISK
    warning = Escalation.objects.get(ticket=ticket, reason="response_at_risk")
    assert (warning.level, warning.recipient) == (1, ticket.owner)

    # 14:30 the response is overdue: the team's supervisor is told.
    services.tickets_sla_sweep(now=sh(2026, 11, 30, 14, 30))
    ticket.refresh_from_db()
    assert ticket.response_sla == SlaMark.BREACHED
    breach = Escalation.objects.get(ticket=ticket, reason="response_breached")
    assert (breach.level, breach.recipient) == (2, org.supervisor)
    assert Notification.objects.filter(recipient=org.supervisor, kind="ticket_escalation").exists()

    link = services.ticket_solve(
        ticket=ticket, actor=ticket.owner, solution="更换主板", now=sh(2026, 11, 30, 16),
        site="http://testserver",
    )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.first_response_at == sh(2026, 11, 30, 16)

    # The customer says it is not solved: reopened, and it climbs to the department head.
    page = confirm_by_link(link, solved="no", satisfaction=2)
    assert "主管" in page
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.IN_PROGRESS, 1)
    rejected = Escalation.objects.get(ticket=ticket, reason="customer_rejected")
    assert (rejected.level, rejected.recipient) == (3, desk.tech_head)

    second_link = services.ticket_solve(
        ticket=ticket, actor=ticket.owner, solution="上门更换整机", now=sh(2026, 12, 1, 10),
        site="http://testserver",
    )  # fmt: skip
    assert second_link != link
    with time_machine.travel(sh(2026, 12, 1, 11), tick=False):
        confirm_by_link(second_link, solved="yes", satisfaction=5)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.satisfaction == 5
    assert ticket.final_solution == "上门更换整机"
    assert ticket.handling_time == sh(2026, 12, 1, 11) - sh(2026, 11, 27, 17, 30)
    assert FollowUp.objects.filter(customer=customer, rule_code__startswith="ticket_").exists()
    assert set(FollowUp.objects.filter(customer=customer).values_list("source_ref", flat=True)) >= {
        f"ticket:{ticket.pk}:solved:1",
        f"ticket:{ticket.pk}:solved:2",
    }
    assert Ticket.objects.count() == 1
