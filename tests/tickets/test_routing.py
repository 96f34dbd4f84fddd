"""Category decides the department; load or turn decides who; VIP urgent goes to a supervisor."""

from __future__ import annotations

from typing import Any

import pytest

from huifang.tickets.models import RoutingRule
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db
NOW = sh(2026, 11, 24, 10)


@pytest.mark.parametrize(
    ("category", "department"),
    [
        ("product_function", "product"),
        ("other_suggestion", "product"),
        ("quality_fault", "tech"),
        ("staff_attitude", "quality"),
        ("service_process", "quality"),
    ],
)
def test_it_routes_by_category(
    desk: Desk, make_customer: Any, category: str, department: str
) -> None:
    ticket = desk.open(make_customer(), category=category, severity="general", now=NOW)
    assert ticket.department is not None and ticket.department.code == department


def test_it_gives_the_ticket_to_the_member_with_fewest_open_tickets(
    desk: Desk, make_customer: Any
) -> None:
    owners = [desk.open(make_customer(), now=NOW).owner for _ in range(4)]
    assert owners.count(desk.org.technician) == 2
    assert owners.count(desk.technician2) == 2


def test_round_robin_takes_turns(desk: Desk, make_customer: Any) -> None:
    RoutingRule.objects.filter(category="quality_fault").update(strategy="round_robin")
    owners = [desk.open(make_customer(), now=NOW).owner for _ in range(3)]
    assert owners == [desk.org.technician, desk.technician2, desk.org.technician]


def test_an_inactive_member_gets_nothing(desk: Desk, make_customer: Any) -> None:
    desk.technician2.is_active = False
    desk.technician2.save()
    owners = {desk.open(make_customer(), now=NOW).owner for _ in range(3)}
    assert owners == {desk.org.technician}


def test_a_vip_customers_urgent_ticket_goes_to_the_supervisor(
    desk: Desk, make_customer: Any
) -> None:
    ticket = desk.open(make_customer(tier="vip"), severity="urgent", now=NOW)
    assert ticket.owner == desk.org.supervisor
    assert ticket.department == desk.org.tech


def test_a_rule_for_a_severity_beats_the_category_rule(desk: Desk, make_customer: Any) -> None:
    RoutingRule.objects.create(
        category="quality_fault", severity="urgent", department_code="quality"
    )
    urgent = desk.open(make_customer(), severity="urgent", now=NOW)
    major = desk.open(make_customer(), severity="major", now=NOW)
    assert (urgent.department, major.department) == (desk.quality, desk.org.tech)
