"""The "why" view: each follow-up with its rule and every move or suppression's reason."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from huifang.followups.models import ContactAttempt
from huifang.followups.services import event_receive
from tests.conftest import Org
from tests.followups.conftest import sh


def test_it_explains_a_move_and_a_suppression_in_chinese(org: Org, make_customer: Any) -> None:
    customer = make_customer(name="陈静")
    for at in (sh(2026, 11, 25, 10), sh(2026, 11, 26, 9)):
        ContactAttempt.objects.create(customer=customer, at=at, channel="phone")
    event_receive(
        source_ref="ticket:1", trigger="ticket_solved", customer_id=customer.pk,
        occurred_at=sh(2026, 11, 26, 10), now=sh(2026, 11, 26, 10),
        problem_nature="normal_problem",
    )  # fmt: skip
    opted = make_customer(name="赵敏", opted_out=True)
    event_receive(
        source_ref="ticket:2", trigger="ticket_solved", customer_id=opted.pk,
        occurred_at=sh(2026, 11, 26, 10), now=sh(2026, 11, 26, 10),
    )  # fmt: skip
    client = org.client_for(org.agent)
    page = client.get(reverse("followups:customer_plan", args=[customer.pk])).content.decode()
    assert "陈静的回访计划" in page
    assert "ticket_solved" in page and "问题处理效果确认" in page
    assert "频次上限" in page
    assert "2026-11-30 09:00" in page
    page = client.get(reverse("followups:customer_plan", args=[opted.pk])).content.decode()
    assert "客户已设置回访免打扰" in page
    assert "已抑制" in page


def test_an_agent_cannot_see_another_teams_plan(org: Org, make_customer: Any) -> None:
    customer = make_customer(team=org.south, owner=org.other_agent)
    url = reverse("followups:customer_plan", args=[customer.pk])
    assert org.client_for(org.agent).get(url).status_code == 404
    assert org.client_for(org.other_agent).get(url).status_code == 200
