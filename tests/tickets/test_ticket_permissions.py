"""Agents see their team's tickets, technicians their department's, supervisors all."""

from __future__ import annotations

from typing import Any

import pytest

from huifang.tickets.selectors import tickets_visible_to
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db
NOW = sh(2026, 11, 24, 10)


@pytest.fixture
def tickets(desk: Desk, make_customer: Any) -> dict[str, Any]:
    east = make_customer(name="华东客户")
    south = make_customer(name="华南客户", team=desk.org.south, owner=desk.org.other_agent)
    return {
        "east_fault": desk.open(east, now=NOW),
        "south_fault": desk.open(south, now=NOW),
        "south_suggestion": desk.open(
            south, category="product_function", severity="general", now=NOW
        ),
    }


def test_each_role_sees_its_share(desk: Desk, tickets: dict[str, Any]) -> None:
    def seen(user: Any) -> set[str]:
        ids = set(tickets_visible_to(user).values_list("pk", flat=True))
        return {name for name, t in tickets.items() if t.pk in ids}

    assert seen(desk.org.agent) == {"east_fault"}
    assert seen(desk.org.other_agent) == {"south_fault", "south_suggestion"}
    assert seen(desk.org.technician) == {"east_fault", "south_fault"}
    assert seen(desk.product_manager) == {"south_suggestion"}
    assert seen(desk.org.supervisor) == set(tickets)
    assert seen(desk.org.admin) == set(tickets)


def test_an_agent_is_refused_another_teams_ticket(desk: Desk, tickets: dict[str, Any]) -> None:
    client = desk.org.client_for(desk.org.agent)
    assert client.get(f"/tickets/{tickets['south_fault'].pk}/").status_code == 403
    assert client.get(f"/tickets/{tickets['east_fault'].pk}/").status_code == 200


def test_only_supervisors_open_the_sla_board(desk: Desk, tickets: dict[str, Any]) -> None:
    assert desk.org.client_for(desk.org.agent).get("/tickets/board/").status_code == 403
    assert desk.org.client_for(desk.org.supervisor).get("/tickets/board/").status_code == 200


def test_the_board_lists_breached_tickets(desk: Desk, tickets: dict[str, Any]) -> None:
    from huifang.tickets.services import tickets_sla_sweep

    tickets_sla_sweep(now=sh(2026, 11, 26, 10))
    page = desk.org.client_for(desk.org.supervisor).get("/tickets/board/").content.decode()
    assert tickets["east_fault"].number in page
    assert "已超时" in page
    assert tickets["south_suggestion"].number not in page  # general: 24 h, still on track


def test_the_department_queue_shows_the_technicians_department(
    desk: Desk, tickets: dict[str, Any]
) -> None:
    page = desk.org.client_for(desk.org.technician).get("/tickets/queue/").content.decode()
    assert tickets["east_fault"].number in page
    assert tickets["south_suggestion"].number not in page
