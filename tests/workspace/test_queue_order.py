"""Today's queue in F7 order: overdue, recent repair, low satisfaction, VIP/key, due time."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from huifang.workspace.selectors import queue_for
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup, repaired_recently, sh


@pytest.fixture(autouse=True)
def thursday(time_machine: Any) -> None:
    time_machine.move_to(THURSDAY_10, tick=False)


def test_the_queue_puts_the_right_customers_first(org: Org) -> None:
    def mine(name: str, at: Any, **fields: Any) -> Any:
        return followup(customer(name=name, team=org.east, owner=org.agent, **fields),
                        scheduled_at=at)  # fmt: skip

    plain = mine("普通客户", sh(2026, 11, 26, 9))
    later = mine("下午的客户", sh(2026, 11, 26, 15))
    vip = mine("VIP客户", sh(2026, 11, 26, 16), tier="vip")
    unhappy = mine("不满意的客户", sh(2026, 11, 26, 17), flags=["low_satisfaction"])
    repaired = mine("刚报修的客户", sh(2026, 11, 26, 17, 30))
    repaired_recently(repaired.customer_id, by=org.agent)
    overdue = followup(
        customer(name="逾期客户", team=org.east, owner=org.agent),
        scheduled_at=sh(2026, 11, 24, 10), due_hours=24,
    )  # fmt: skip
    mine("明天的客户", sh(2026, 11, 27, 9))
    followup(customer(name="别人的客户", team=org.east, owner=org.other_agent))
    unassigned = followup(customer(name="未分配客户", team=org.east, owner=None), owner=None,
                          scheduled_at=sh(2026, 11, 26, 14))  # fmt: skip

    order = [item.pk for item in queue_for(org.agent, timezone.now()).items]

    assert order == [
        overdue.pk, repaired.pk, unhappy.pk, vip.pk, plain.pk, unassigned.pk, later.pk,
    ]  # fmt: skip


def test_the_queue_page_shows_why_a_customer_comes_first(org: Org) -> None:
    followup(
        customer(name="逾期客户", team=org.east, owner=org.agent, tier="key"),
        scheduled_at=sh(2026, 11, 24, 10), due_hours=24,
    )  # fmt: skip
    page = org.client_for(org.agent).get(reverse("workspace:queue")).content.decode()
    assert "逾期客户" in page
    assert "已逾期" in page
