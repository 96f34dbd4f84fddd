"""Several workers sweeping at once on PostgreSQL escalate each ticket once."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection

from huifang.notifications.models import Notification
from huifang.tickets import services
from huifang.tickets.models import Escalation, SlaMark, Ticket
from tests.followups.test_concurrent_planners import run_concurrently
from tests.tickets.conftest import Desk, sh

# serialized_rollback: a flush would also remove the calendar and rules the migrations seed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_four_sweeps_at_once_escalate_every_ticket_exactly_once(
    desk: Desk, make_customer: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    for n in range(40):
        desk.open(make_customer(name=f"客户{n}"), now=sh(2026, 11, 27, 17, 30))
    now = sh(2026, 11, 30, 15)
    errors = run_concurrently(
        *(
            lambda size=size: services.tickets_sla_sweep(now=now, chunk=size)
            for size in (3, 7, 11, 40)
        )
    )
    assert errors == []
    per_ticket = Counter(
        Escalation.objects.filter(reason="response_breached").values_list("ticket_id", flat=True)
    )
    assert len(per_ticket) == 40 and set(per_ticket.values()) == {1}
    assert Notification.objects.filter(kind="ticket_escalation").count() == 40
    assert set(Ticket.objects.values_list("response_sla", flat=True)) == {SlaMark.BREACHED}
