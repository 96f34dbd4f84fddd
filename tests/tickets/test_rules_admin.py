"""Administrators edit SLA targets, routing and settings; bad input is refused in Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from huifang.tickets import services
from huifang.tickets.models import SlaPolicy
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db


def test_the_defaults_come_from_the_operations_manual(desk: Desk) -> None:
    page = desk.org.client_for(desk.org.admin).get("/tickets/manage/rules/").content.decode()
    assert "SLA 时限（工作小时）" in page
    rows = {p.severity: (p.response_hours, p.solution_hours) for p in SlaPolicy.objects.all()}
    assert rows == {
        "general": (Decimal("24"), None),
        "major": (Decimal("4"), Decimal("48")),
        "urgent": (Decimal("2"), Decimal("48")),
    }


def test_a_vip_policy_shortens_the_response_target(desk: Desk, make_customer: Any) -> None:
    client = desk.org.client_for(desk.org.admin)
    client.post(
        "/tickets/manage/sla/new/",
        {"severity": "major", "category": "", "tier": "vip", "response_hours": "1",
         "solution_hours": "8"},
    )  # fmt: skip
    vip = desk.open(make_customer(tier="vip"), now=sh(2026, 11, 24, 10))
    normal = desk.open(make_customer(), now=sh(2026, 11, 24, 10))
    assert vip.response_due_at == sh(2026, 11, 24, 11)
    assert normal.response_due_at == sh(2026, 11, 24, 16)  # lunch excluded


def test_a_zero_target_is_refused_and_the_policy_kept(desk: Desk) -> None:
    policy = SlaPolicy.objects.get(severity="major", category="", tier="")
    response = desk.org.client_for(desk.org.admin).post(
        f"/tickets/manage/sla/{policy.pk}/",
        {"severity": "major", "category": "", "tier": "", "response_hours": "0"},
    )
    assert "响应时限必须大于 0 小时" in response.content.decode()
    policy.refresh_from_db()
    assert policy.response_hours == Decimal("4")


def test_the_at_risk_share_is_editable_and_checked(desk: Desk) -> None:
    client = desk.org.client_for(desk.org.admin)
    form = {
        "at_risk_percent": "150", "repeat_window_days": "30", "confirmation_link_days": "7",
        "tickets_from_answers": "on", "csat_at_most": "2", "nps_at_most": "6",
        "answer_category": "service_process", "answer_severity": "general",
        "at_risk_level": "1", "breached_level": "2", "rejected_level": "2", "unhappy_at_most": "2",
    }  # fmt: skip
    assert "1 到 100" in client.post("/tickets/manage/rules/", form).content.decode()
    assert services.ticket_settings().at_risk_percent == 75
    client.post("/tickets/manage/rules/", {**form, "at_risk_percent": "50"})
    assert services.ticket_settings().at_risk_percent == 50


def test_only_administrators_edit_rules(desk: Desk) -> None:
    response = desk.org.client_for(desk.org.supervisor).get("/tickets/manage/rules/")
    assert response.status_code == 403
