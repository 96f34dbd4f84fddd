"""Reads of tickets, scoped to the user who asks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from huifang.accounts.models import Role, User
from huifang.customers.models import Customer
from huifang.tickets.models import (
    OPEN_STATUSES,
    RoutingRule,
    SlaMark,
    SlaPolicy,
    Ticket,
    TicketSettings,
)


def ticket_settings() -> TicketSettings:
    found = TicketSettings.objects.order_by("pk").first()
    return found if found is not None else TicketSettings.objects.create()


def sla_policy_for(*, severity: str, category: str, tier: str) -> SlaPolicy | None:
    """The most specific policy: category and tier both given beat one given beats none."""
    candidates = SlaPolicy.objects.filter(
        severity=severity, category__in=["", category], tier__in=["", tier]
    )
    return max(candidates, key=lambda p: (bool(p.category), bool(p.tier)), default=None)


def routing_rule_for(*, category: str, severity: str, tier: str) -> RoutingRule | None:
    candidates = RoutingRule.objects.filter(
        category=category, severity__in=["", severity], tier__in=["", tier]
    )
    return max(candidates, key=lambda r: (bool(r.severity), bool(r.tier)), default=None)


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    """Supervisors and administrators see every ticket; technicians their department's;
    agents the tickets of their team's customers. Everyone sees the tickets they own."""
    tickets = Ticket.objects.select_related("customer", "owner", "department")
    if user.has_role(Role.SUPERVISOR, Role.ADMIN):
        return tickets
    scope = Q(owner=user)
    if user.has_role(Role.TECHNICIAN) and user.department_id is not None:
        scope |= Q(department_id=user.department_id)
    if user.has_role(Role.AGENT) and user.team_id is not None:
        scope |= Q(customer__team_id=user.team_id)
    if not user.is_active:
        return tickets.none()
    return tickets.filter(scope)


def ticket_for(user: User, pk: int) -> Ticket:
    """404 when there is no such ticket, 403 when it is not the user's to see."""
    ticket = get_object_or_404(Ticket, pk=pk)
    if not tickets_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    return ticket


def my_tickets(user: User) -> QuerySet[Ticket]:
    return tickets_visible_to(user).filter(owner=user, status__in=OPEN_STATUSES)


def department_queue(user: User, department_id: int | None) -> QuerySet[Ticket]:
    if department_id is None:
        return Ticket.objects.none()
    return tickets_visible_to(user).filter(department_id=department_id, status__in=OPEN_STATUSES)


def sla_board(user: User) -> QuerySet[Ticket]:
    """Open tickets whose response or solution clock is at risk or breached, worst first."""
    troubled = [SlaMark.AT_RISK, SlaMark.BREACHED]
    return (
        tickets_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(response_sla__in=troubled) | Q(solution_sla__in=troubled))
        .order_by("response_due_at", "solution_due_at", "id")
    )


def tickets_of_customer(user: User, customer: Customer) -> QuerySet[Ticket]:
    return tickets_visible_to(user).filter(customer=customer)
