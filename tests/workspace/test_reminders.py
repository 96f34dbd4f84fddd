"""Reminders before the due time, escalation when overdue, announcements a day ahead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from huifang.channels.models import Kind, OutboundMessage
from huifang.notifications.models import Notification
from huifang.workspace import reminders
from tests.conftest import Org
from tests.followups.test_concurrent_planners import run_concurrently
from tests.workspace.factories import THURSDAY_10, customer, followup, sh


@pytest.fixture(autouse=True)
def thursday(time_machine: Any) -> None:
    time_machine.move_to(THURSDAY_10, tick=False)


@pytest.fixture
def supervised(org: Org) -> Org:
    org.east.supervisor = org.supervisor
    org.east.save()
    return org


def test_the_assignee_is_reminded_once_before_the_due_time(org: Org) -> None:
    followup(customer(team=org.east, owner=org.agent), scheduled_at=sh(2026, 11, 26, 10, 20))
    followup(
        customer(name="李娜", team=org.east, owner=org.agent), scheduled_at=sh(2026, 11, 26, 15)
    )

    assert reminders.followups_remind(now=THURSDAY_10) == 1
    assert reminders.followups_remind(now=THURSDAY_10 + timedelta(minutes=5)) == 0

    note = Notification.objects.get(recipient=org.agent)
    assert note.title == "1 条回访即将到期"
    assert "10:20 张伟" in note.body


def test_an_overdue_follow_up_escalates_to_the_supervisor_once(supervised: Org) -> None:
    org = supervised
    followup(
        customer(team=org.east, owner=org.agent), scheduled_at=sh(2026, 11, 25, 10), due_hours=4
    )
    followup(customer(name="李娜", team=org.east, owner=org.agent))  # due later today

    assert reminders.followups_escalate(now=THURSDAY_10) == 1
    assert reminders.followups_escalate(now=THURSDAY_10 + timedelta(hours=1)) == 0

    note = Notification.objects.get(recipient=org.supervisor)
    assert note.title == "1 条回访已逾期"
    assert "张伟" in note.body and "王小燕" in note.body


def test_a_call_is_announced_by_sms_the_day_before(org: Org) -> None:
    f = followup(
        customer(team=org.east, owner=org.agent),
        scheduled_at=sh(2026, 11, 27, 9, 30),
        announce_day_before=True,
    )
    followup(customer(name="李娜", team=org.east, owner=org.agent),
             scheduled_at=sh(2026, 11, 27, 9, 30))  # the rule did not ask  # fmt: skip
    followup(customer(name="王芳", team=org.east, owner=org.agent, opted_out=True),
             scheduled_at=sh(2026, 11, 27, 9, 30), announce_day_before=True)  # fmt: skip

    assert reminders.followups_announce(now=THURSDAY_10) == 1
    assert reminders.followups_announce(now=THURSDAY_10 + timedelta(minutes=5)) == 0

    message = OutboundMessage.objects.get()
    assert (message.kind, message.channel, message.to, message.followup_id) == (
        Kind.ANNOUNCE, "sms", "13812345678", f.pk,
    )  # fmt: skip
    assert "将于 11-27 09:30 左右致电" in message.body


def test_a_call_further_ahead_is_not_announced_yet(org: Org) -> None:
    followup(customer(team=org.east, owner=org.agent), scheduled_at=sh(2026, 11, 30, 9, 30),
             announce_day_before=True)  # fmt: skip
    assert reminders.followups_announce(now=THURSDAY_10) == 0


@pytest.mark.django_db(transaction=True)
def test_four_workers_reminding_at_once_remind_each_follow_up_once(supervised: Org) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    org = supervised
    for n in range(30):
        followup(customer(name=f"客户{n}", team=org.east, owner=org.agent),
                 scheduled_at=sh(2026, 11, 26, 10, 15))  # fmt: skip
    counts: list[int] = []
    errors = run_concurrently(
        *(lambda: counts.append(reminders.followups_remind(now=THURSDAY_10)) for _ in range(4))
    )
    assert errors == []
    assert sum(counts) == 30
    total = sum(n.body.count("客户") for n in Notification.objects.filter(recipient=org.agent))
    assert total == 30
