"""Reads the planner needs, batched per chunk of customers (one query per kind)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Q, QuerySet

from huifang.customers.models import Customer
from huifang.domain.cadence import PlannedFollowUp, Trigger
from huifang.domain.contact_policy import Channel, Contact
from huifang.followups.models import OPEN_STATUSES, ContactAttempt, FollowUp
from huifang.followups.planner import CustomerRow, ExistingFollowUp

CUSTOMER_FIELDS = tuple(
    "team__supervisor_id" if name == "supervisor_id" else name for name in CustomerRow._fields
)


def customer_rows(customers: QuerySet[Customer]) -> list[CustomerRow]:
    return [CustomerRow(*values) for values in customers.values_list(*CUSTOMER_FIELDS)]


def existing_by_customer(customer_ids: Q) -> dict[int, list[ExistingFollowUp]]:
    result: dict[int, list[ExistingFollowUp]] = defaultdict(list)
    rows = FollowUp.objects.filter(customer_ids, status__in=OPEN_STATUSES).values_list(
        "customer_id",
        "rule_code",
        "step_index",
        "purpose",
        "channel",
        "due_start",
        "due_end",
        "importance",
        "routine",
        "announce_day_before",
        "source_ref",
        "script",
        "questionnaire",
        "dedupe_key",
        "trigger",
        "scheduled_at",
    )
    for (customer_id, rule_code, step, purpose, channel, start, end, importance, routine,
         announce, ref, script, questionnaire, key, trigger, scheduled_at) in rows:  # fmt: skip
        followup = PlannedFollowUp(
            customer_id=customer_id, rule_code=rule_code, step_index=step, purpose=purpose,
            channel=Channel(channel), due_start=start, due_end=end, importance=importance,
            routine=routine, announce_day_before=announce, source_ref=ref, script=script,
            questionnaire=questionnaire, dedupe_key=key, trigger=Trigger(trigger), anchor=start,
        )  # fmt: skip
        result[customer_id].append(ExistingFollowUp(followup, scheduled_at))
    return result


def contacts_by_customer(customer_ids: Q, since: datetime) -> dict[int, list[Contact]]:
    result: dict[int, list[Contact]] = defaultdict(list)
    rows = ContactAttempt.objects.filter(customer_ids, at__gte=since).values_list(
        "customer_id", "at", "channel", "routine"
    )
    for customer_id, at, channel, routine in rows:
        result[customer_id].append(Contact(at, Channel(channel), routine))
    return result


def known_keys(customer_ids: Q) -> set[str]:
    return set(FollowUp.objects.filter(customer_ids).values_list("dedupe_key", flat=True))
