"""Which department gets a ticket, and who in it."""

from __future__ import annotations

from django.db.models import Count, Q

from huifang.accounts.models import Department, User
from huifang.customers.models import Customer, Tier
from huifang.tickets.models import OPEN_STATUSES, RoutingCursor, Severity, Strategy
from huifang.tickets.selectors import routing_rule_for

PRIORITY_TIERS = (Tier.VIP, Tier.KEY)


def members(department: Department) -> list[User]:
    return list(User.objects.filter(department=department, is_active=True).order_by("id"))


def least_loaded(department: Department) -> User | None:
    open_tickets = Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES))
    return (
        User.objects.filter(department=department, is_active=True)
        .annotate(load=open_tickets)
        .order_by("load", "id")
        .first()
    )


def next_in_turn(department: Department) -> User | None:
    """Round robin over the active members; the cursor row lock serialises assigners."""
    people = members(department)
    if not people:
        return None
    RoutingCursor.objects.get_or_create(department=department)
    cursor = RoutingCursor.objects.select_for_update().get(department=department)
    after = [u for u in people if cursor.last_user_id is None or u.pk > cursor.last_user_id]
    chosen = (after or people)[0]
    cursor.last_user_id = chosen.pk
    cursor.save(update_fields=["last_user_id"])
    return chosen


def supervisor_for(customer: Customer, department: Department | None) -> User | None:
    team = customer.team
    if team is not None and team.supervisor is not None and team.supervisor.is_active:
        return team.supervisor
    if department is not None and department.head is not None and department.head.is_active:
        return department.head
    return None


def route(
    *, customer: Customer, category: str, severity: str
) -> tuple[Department | None, User | None]:
    rule = routing_rule_for(category=category, severity=severity, tier=customer.tier)
    department = (
        Department.objects.select_related("head").filter(code=rule.department_code).first()
        if rule
        else None
    )
    if severity == Severity.URGENT and customer.tier in PRIORITY_TIERS:
        boss = supervisor_for(customer, department)
        if boss is not None:
            return department, boss
    if department is None:
        return None, None
    if rule is not None and rule.strategy == Strategy.ROUND_ROBIN:
        return department, next_in_turn(department)
    return department, least_loaded(department)
