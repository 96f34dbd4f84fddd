"""Customers and follow-ups for the workspace, survey and channel tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from huifang.accounts.models import User
from huifang.customers.models import Contact, Customer
from huifang.followups.models import FollowUp, FollowUpStatus
from huifang.tickets.models import Ticket
from huifang.tickets.services import NewTicket, ticket_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = count(1)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


# Thursday 26 November 2026, 10:00 in Shanghai: an ordinary working day.
THURSDAY_10 = sh(2026, 11, 26, 10)


def customer(
    *, name: str = "张伟", phone: str = "+8613812345678", email: str = "", **fields: Any
) -> Customer:
    made = Customer.objects.create(name=name, **fields)
    Contact.objects.create(customer=made, name=name, phone=phone, email=email, is_primary=True)
    return made


def followup(
    customer: Customer,
    *,
    scheduled_at: datetime = THURSDAY_10,
    channel: str = "phone",
    questionnaire: str = "routine_care",
    purpose: str = "使用初期满意度回访",
    due_hours: int = 8,
    **fields: Any,
) -> FollowUp:
    number = next(_numbers)
    values: dict[str, Any] = {
        "customer": customer,
        "rule_code": "test",
        "step_index": 0,
        "trigger": "delivery",
        "source_ref": f"test:{number}",
        "purpose": purpose,
        "channel": channel,
        "due_start": scheduled_at,
        "due_end": scheduled_at + timedelta(hours=due_hours),
        "scheduled_at": scheduled_at,
        "importance": 40,
        "routine": True,
        "script": questionnaire,
        "questionnaire": questionnaire,
        "status": FollowUpStatus.PLANNED,
        "owner": customer.owner,
        "dedupe_key": f"test:{number}",
        "planned_at": scheduled_at - timedelta(days=7),
    }
    values.update(fields)
    return FollowUp.objects.create(**values)


def repaired_recently(customer_id: int, *, by: User) -> None:
    """A fault ticket opened six days and solved five days before THURSDAY_10."""
    ticket = ticket_create(
        data=NewTicket(customer_id=customer_id, category="quality_fault",
                       severity="major", description="屏幕不亮"),
        actor=by, now=THURSDAY_10 - timedelta(days=6),
    )  # fmt: skip
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=THURSDAY_10 - timedelta(days=5))
