"""Reads of the customer archive, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from huifang.accounts.models import Role, User
from huifang.customers.models import Customer, Purchase, Tier


def customers_visible_to(user: User) -> QuerySet[Customer]:
    """Agents see their team's customers only (P1); other roles see the whole archive."""
    customers = Customer.objects.all()
    if user.has_role(Role.ADMIN, Role.SUPERVISOR, Role.TECHNICIAN):
        return customers
    if user.team_id is None:
        return customers.none()
    return customers.filter(team_id=user.team_id)


@dataclass(frozen=True)
class ArchiveSummary:
    customers: int
    vip_customers: int
    deliveries_last_30_days: int


def archive_summary(*, user: User, today: date) -> ArchiveSummary:
    customers = customers_visible_to(user)
    since = today - timedelta(days=30)
    deliveries = Purchase.objects.filter(
        customer__in=customers, delivered_on__gt=since, delivered_on__lte=today
    )
    return ArchiveSummary(
        customers=customers.count(),
        vip_customers=customers.filter(tier=Tier.VIP).count(),
        deliveries_last_30_days=deliveries.count(),
    )
