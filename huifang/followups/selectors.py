"""Reads of the follow-up engine: a customer's plan with its reasons, and rule previews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet

from huifang.customers.models import Customer, Purchase
from huifang.domain.cadence import Action, CadenceRule, Event, Trigger, plan_event
from huifang.followups.context import load_context
from huifang.followups.events import customer_segments
from huifang.followups.loading import (
    Scope,
    contacts_by_customer,
    existing_by_customer,
    scope_customers,
)
from huifang.followups.models import FollowUp
from huifang.followups.planner import history_since, plan_customer
from huifang.followups.reasons import label

# How far ahead a previewed renewal, repurchase or holiday lies.
PREVIEW_REFERENCE = {
    Trigger.RENEWAL_APPROACHING: timedelta(days=60),
    Trigger.REPURCHASE_DUE: timedelta(days=5),
    Trigger.HOLIDAY_CARE: timedelta(days=5),
}


def customer_plan(customer: Customer) -> QuerySet[FollowUp]:
    """Every follow-up of the customer, kept, moved, merged or suppressed."""
    return customer.followups.select_related("owner").order_by("due_start", "id")


def reason_lines(followup: FollowUp) -> list[tuple[str, str]]:
    return [(label(r.get("code", "")), r.get("detail", "")) for r in followup.reasons]


@dataclass(frozen=True)
class PreviewLine:
    customer: Customer
    purpose: str
    channel: str
    due_start: datetime
    due_end: datetime
    at: datetime | None
    action: Action
    reasons: list[tuple[str, str]]


def _first(values: frozenset[str]) -> str | None:
    return min(values) if values else None


def rule_preview(rule: CadenceRule, *, now: datetime, sample: int = 12) -> list[PreviewLine]:
    """What the rule would plan now for a sample of matching customers; nothing is written."""
    conditions = rule.conditions
    customers = Customer.objects.order_by("-id")
    if conditions.tiers:
        customers = customers.filter(tier__in=conditions.tiers)
    if conditions.industries:
        customers = customers.filter(industry__in=conditions.industries)
    chosen = list(customers[:sample])
    if not chosen:
        return []
    ctx = load_context(now, rules=[rule])
    by_id = {c.pk: c for c in chosen}
    rows = scope_customers(Scope.of(by_id))
    scope = Scope.of(by_id)
    existing = existing_by_customer(scope)
    contacts = contacts_by_customer(scope, history_since(ctx))
    lines: list[PreviewLine] = []
    for row in rows:
        customer = by_id[row.id]
        latest = Purchase.objects.filter(customer=customer).select_related("product").first()
        first = Purchase.objects.filter(customer=customer).order_by("purchased_on").first()
        segments = customer_segments(first.purchased_on if first else None, ctx.today)
        reference = PREVIEW_REFERENCE.get(rule.trigger)
        event = Event(
            trigger=rule.trigger,
            customer_id=customer.pk,
            occurred_at=now,
            source_ref=f"preview:{customer.pk}",
            tier=customer.tier,
            product_class=_first(conditions.product_classes)
            or (latest.product.product_class if latest else None),
            problem_nature=_first(conditions.problem_natures),
            severity=_first(conditions.severities),
            industry=customer.industry or None,
            segments=segments | conditions.segments,
            reference_at=now + reference if reference else None,
        )
        wanted = plan_event(event, ctx.rules, ctx.calendar)
        planned = plan_customer(
            ctx,
            row,
            segments,
            wanted,
            existing=existing.get(customer.pk, []),
            past_contacts=contacts.get(customer.pk, []),
            owner_id=None,
        )
        for p in planned:
            a = p.adjustment
            lines.append(
                PreviewLine(
                    customer=customer,
                    purpose=a.followup.purpose,
                    channel=str(a.channel or a.followup.channel),
                    due_start=a.followup.due_start,
                    due_end=a.followup.due_end,
                    at=a.at,
                    action=a.action,
                    reasons=[(label(r.code), r.detail) for r in a.reasons],
                )
            )
    return lines
