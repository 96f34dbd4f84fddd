"""Thin views: look up with a permission check, validate with a form, call one service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huifang.accounts.models import Department, Role, User
from huifang.accounts.permissions import admin_required, role_required
from huifang.audit.selectors import entries_for
from huifang.customers.selectors import customers_visible_to
from huifang.tickets import clock, selectors, services
from huifang.tickets.confirmation import LinkExpired, LinkInvalid, read_token
from huifang.tickets.forms import (
    AttachmentForm,
    ConfirmationForm,
    RoutingRuleForm,
    SettingsForm,
    SlaPolicyForm,
    SolveForm,
    TicketForm,
    UpdateForm,
)
from huifang.tickets.models import (
    ConfirmationChannel,
    RoutingRule,
    SlaPolicy,
    Source,
    Status,
    Ticket,
)
from huifang.workdays.selectors import working_calendar

ALL = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN)
staff_required = role_required(*ALL)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _list(request: HttpRequest, title: str, tickets: Any, **extra: Any) -> HttpResponse:
    context = {"title": title, "tickets": tickets.select_related("customer", "owner")[:500]}
    return render(request, "tickets/ticket_list.html", {**context, **extra})


@staff_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    return _list(request, _("My tickets"), selectors.my_tickets(_user(request)))


@role_required(Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN)
def department_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    departments = Department.objects.all()
    chosen = request.GET.get("department", "")
    department_id = int(chosen) if chosen.isdigit() else user.department_id
    if department_id is None and departments:
        department_id = departments[0].pk
    return _list(
        request,
        _("Department queue"),
        selectors.department_queue(user, department_id),
        departments=departments,
        department_id=department_id,
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
def sla_board(request: HttpRequest) -> HttpResponse:
    return _list(request, _("At risk and breached"), selectors.sla_board(_user(request)))


@staff_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {"customer": request.GET.get("customer", "")}
    form = TicketForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not customers_visible_to(user).filter(pk=data["customer"]).exists():
            form.add_error("customer", _("No customer with this number is visible to you."))
        else:
            new = services.NewTicket(
                customer_id=data["customer"],
                category=data["category"],
                severity=data["severity"],
                description=data["description"],
                title=data["title"],
                source=Source.PHONE,
            )
            uploads = [data["attachment"]] if data["attachment"] else []
            try:
                ticket = services.ticket_create(
                    data=new, actor=user, now=timezone.now(), attachments=uploads
                )
            except services.TicketError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Ticket %(number)s opened.") % {"number": ticket.number}
                )
                return redirect("tickets:detail", ticket.pk)
    return render(request, "tickets/ticket_form.html", {"form": form})


@staff_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for(_user(request), pk)
    config = selectors.ticket_settings()
    calendar = working_calendar()
    now = timezone.now()
    context = {
        "ticket": ticket,
        "response_clock": clock.response_clock(
            ticket, calendar, now=now, ratio=config.at_risk_ratio
        ),
        "solution_clock": clock.solution_clock(
            ticket, calendar, now=now, ratio=config.at_risk_ratio
        ),
        "status_changes": ticket.status_changes.select_related("actor"),
        "updates": ticket.updates.select_related("author"),
        "escalations": ticket.escalations.select_related("recipient", "notification"),
        "confirmations": ticket.confirmations.select_related("recorded_by"),
        "attachments": ticket.attachments.all(),
        "audit_entries": entries_for(ticket)[:100],
        "update_form": UpdateForm(),
        "solve_form": SolveForm(),
        "call_form": ConfirmationForm(prefix="call"),
        "attachment_form": AttachmentForm(),
        "confirmation_path": services.confirmation_path(ticket)
        if ticket.status == Status.SOLVED
        else "",
        "Status": Status,
    }
    return render(request, "tickets/ticket_detail.html", context)


def _act(
    request: HttpRequest, pk: int, form_class: Any, action: Callable[[Ticket, User, Any], str]
) -> HttpResponse:
    """Validate ``form_class`` (if any), run ``action``; errors come back as messages."""
    user = _user(request)
    ticket = selectors.ticket_for(user, pk)
    form = (
        form_class(request.POST, request.FILES, prefix=getattr(form_class, "prefix", None))
        if form_class
        else None
    )
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("tickets:detail", pk)
    try:
        done = action(ticket, user, form.cleaned_data if form is not None else {})
    except services.TicketError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("tickets:detail", pk)


@require_POST
@staff_required
def ticket_update(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ticket: Ticket, user: User, data: dict[str, Any]) -> str:
        update = services.ticket_add_update(
            ticket=ticket,
            actor=user,
            body=data["body"],
            to_customer=data["to_customer"],
            now=timezone.now(),
        )
        return update.get_delivery_display() if data["to_customer"] else _("Note added.")

    return _act(request, pk, UpdateForm, run)


@require_POST
@staff_required
def ticket_wait(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ticket: Ticket, user: User, data: dict[str, Any]) -> str:
        services.ticket_wait_on_customer(ticket=ticket, actor=user, now=timezone.now())
        return _("Waiting on the customer: the SLA clock is paused.")

    return _act(request, pk, None, run)


@require_POST
@staff_required
def ticket_resume(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ticket: Ticket, user: User, data: dict[str, Any]) -> str:
        services.ticket_resume(ticket=ticket, actor=user, now=timezone.now())
        return _("Back in progress: the SLA clock runs again.")

    return _act(request, pk, None, run)


@require_POST
@staff_required
def ticket_solve(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ticket: Ticket, user: User, data: dict[str, Any]) -> str:
        services.ticket_solve(
            ticket=ticket,
            actor=user,
            solution=data["solution"],
            now=timezone.now(),
            site=f"{request.scheme}://{request.get_host()}",
        )
        return _("Marked solved; the customer has been asked to confirm.")

    return _act(request, pk, SolveForm, run)


class CallForm(ConfirmationForm):
    prefix = "call"


@require_POST
@staff_required
def ticket_record_call(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ticket: Ticket, user: User, data: dict[str, Any]) -> str:
        answer = services.Answer(data["solved"], data["satisfaction"], data["comment"])
        recorded = services.ticket_confirm(
            ticket=ticket,
            solve_round=ticket.solve_round,
            answer=answer,
            channel=ConfirmationChannel.PHONE,
            actor=user,
            now=timezone.now(),
        )
        if recorded is None:
            raise services.TicketError(_("This solution has been answered already."))
        ticket.refresh_from_db()
        if ticket.status == Status.CLOSED:
            return _("Confirmed by the customer: the ticket is closed.")
        return _("The customer is not satisfied: the ticket is reopened and escalated.")

    return _act(request, pk, CallForm, run)


@require_POST
@staff_required
def ticket_attach(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ticket: Ticket, user: User, data: dict[str, Any]) -> str:
        attachment = services.attachment_add(
            ticket=ticket, actor=user, upload=data["file"], now=timezone.now()
        )
        return _("Attached %(name)s.") % {"name": attachment.name}

    return _act(request, pk, AttachmentForm, run)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's page: no login, phone-friendly, Chinese by default."""
    config = selectors.ticket_settings()
    try:
        target = read_token(token, max_age=timedelta(days=config.confirmation_link_days))
    except LinkExpired:
        return render(request, "tickets/confirm_invalid.html", {"expired": True}, status=410)
    except LinkInvalid:
        return render(request, "tickets/confirm_invalid.html", {"expired": False}, status=400)
    ticket = Ticket.objects.filter(pk=target.ticket_id).select_related("customer").first()
    if ticket is None:
        return render(request, "tickets/confirm_invalid.html", {"expired": False}, status=400)
    answered = ticket.status != Status.SOLVED or ticket.solve_round != target.solve_round
    if answered:
        return render(request, "tickets/confirm_thanks.html", {"ticket": ticket, "again": True})
    form = ConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = services.ticket_confirm(
            ticket=ticket,
            solve_round=target.solve_round,
            answer=services.Answer(data["solved"], data["satisfaction"], data["comment"]),
            channel=ConfirmationChannel.LINK,
            actor=None,
            now=timezone.now(),
        )
        ticket.refresh_from_db()
        context = {
            "ticket": ticket,
            "again": recorded is None,
            "closed": ticket.status == Status.CLOSED,
        }
        return render(request, "tickets/confirm_thanks.html", context)
    return render(request, "tickets/confirm.html", {"ticket": ticket, "form": form})


# ---------------------------------------------------------------------------- administration


@admin_required
def ticket_rules(request: HttpRequest) -> HttpResponse:
    config = selectors.ticket_settings()
    form = SettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ticket settings saved."))
        return redirect("tickets:rules")
    context = {
        "form": form,
        "policies": SlaPolicy.objects.all(),
        "routing_rules": RoutingRule.objects.all(),
        "departments": {d.code: d for d in Department.objects.select_related("head")},
    }
    return render(request, "tickets/rules.html", context)


def _edit(request: HttpRequest, form_class: Any, instance: Any, title: str) -> HttpResponse:
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except IntegrityError:
            form.add_error(None, _("A rule for exactly these conditions exists already."))
        else:
            messages.success(request, _("Saved."))
            return redirect("tickets:rules")
    return render(request, "accounts/form.html", {"form": form, "title": title})


@admin_required
def sla_policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=pk) if pk else None
    return _edit(request, SlaPolicyForm, policy, _("SLA policy"))


@admin_required
def routing_rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
    return _edit(request, RoutingRuleForm, rule, _("Routing rule"))
