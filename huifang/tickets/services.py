"""Writes of tickets. Every change is one transaction with its audit entry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.audit.models import Action
from huifang.audit.services import Change, audit_record, audit_record_many
from huifang.customers.models import Contact, Customer
from huifang.followups.models import FollowUp
from huifang.followups.services import event_receive
from huifang.notifications.services import Message, notify, notify_many
from huifang.tickets import clock
from huifang.tickets.confirmation import make_token
from huifang.tickets.models import (
    COMPLAINT_CATEGORIES,
    RUNNING_STATUSES,
    Attachment,
    Category,
    Confirmation,
    Delivery,
    Escalation,
    EscalationReason,
    PauseReason,
    SlaMark,
    Source,
    Status,
    StatusChange,
    Ticket,
    TicketPause,
    TicketSettings,
    TicketUpdate,
    UpdateKind,
)
from huifang.tickets.routing import route, supervisor_for
from huifang.tickets.selectors import sla_policy_for, ticket_settings
from huifang.tickets.validation import TicketError, check_attachment
from huifang.workdays.selectors import working_calendar

__all__ = ["TicketError"]


# ---------------------------------------------------------------------------- helpers


def _set_status(
    ticket: Ticket, to: str, *, actor: User | None, now: datetime, note: str = ""
) -> None:
    before = ticket.status
    ticket.status = to
    StatusChange.objects.create(
        ticket=ticket, at=now, from_status=before, to_status=to, actor=actor, note=note[:200]
    )


def _audit(
    ticket: Ticket, actor: User | None, changes: dict[str, Any], note: str, now: datetime
) -> None:
    audit_record(
        actor=actor, action=Action.UPDATE, target=ticket, changes=changes, note=note, at=now
    )


def ticket_url(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def _customer_email(customer_id: int) -> str:
    contact = (
        Contact.objects.filter(customer_id=customer_id)
        .exclude(email="")
        .order_by("-is_primary", "id")
        .first()
    )
    return contact.email if contact else ""


# ---------------------------------------------------------------------------- escalation

CLIMBING = {
    EscalationReason.RESPONSE_BREACHED,
    EscalationReason.SOLUTION_BREACHED,
    EscalationReason.CUSTOMER_REJECTED,
}


def escalation_level(reason: str, current: int, config: TicketSettings) -> int:
    """Breaches and rejections climb one step past where the ticket already is; at-risk
    warnings go to the configured level (or stay with whoever already holds it)."""
    configured = {
        EscalationReason.RESPONSE_AT_RISK: config.at_risk_level,
        EscalationReason.SOLUTION_AT_RISK: config.at_risk_level,
        EscalationReason.RESPONSE_BREACHED: config.breached_level,
        EscalationReason.SOLUTION_BREACHED: config.breached_level,
        EscalationReason.CUSTOMER_REJECTED: config.rejected_level,
        EscalationReason.URGENT_OPENED: 2,
    }[EscalationReason(reason)]
    configured = min(max(configured, 1), 3)
    if reason in CLIMBING and current >= configured:
        return min(current + 1, 3)
    return max(configured, current) if current else configured


def escalation_recipient(ticket: Ticket, level: int) -> User | None:
    """Level 1 the owner, 2 the team's supervisor, 3 the department head (with fallbacks)."""
    department = ticket.department
    head = department.head if department is not None and department.head else None
    head = head if head is not None and head.is_active else None
    if level <= 1:
        owner = ticket.owner if ticket.owner is not None and ticket.owner.is_active else None
        return owner or supervisor_for(ticket.customer, department)
    if level == 2:
        return supervisor_for(ticket.customer, department)
    return head or supervisor_for(ticket.customer, department)


def _escalation_message(ticket: Ticket, reason: str, level: int) -> tuple[str, str]:
    title = _("%(number)s escalated (level %(level)s): %(reason)s") % {
        "number": ticket.number,
        "level": level,
        "reason": EscalationReason(reason).label,
    }
    body = f"{ticket.customer.name} · {ticket.title}"
    return title, body


def _escalate(ticket: Ticket, reason: str, *, now: datetime, config: TicketSettings) -> Escalation:
    level = escalation_level(reason, ticket.escalation_level, config)
    recipient = escalation_recipient(ticket, level)
    title, body = _escalation_message(ticket, reason, level)
    sent = notify(
        recipients=[recipient],
        kind="ticket_escalation",
        title=title,
        body=body,
        url=ticket_url(ticket),
        now=now,
    )
    escalation = Escalation.objects.create(
        ticket=ticket,
        level=level,
        reason=reason,
        solve_round=ticket.solve_round,
        recipient=recipient,
        notification=sent[0] if sent else None,
        at=now,
    )
    if level > ticket.escalation_level:
        ticket.escalation_level = level
        Ticket.objects.filter(pk=ticket.pk).update(escalation_level=level)
    _audit(ticket, None, {"escalation_level": [None, level]}, title, now)
    return escalation


# ---------------------------------------------------------------------------- creation


@dataclass(frozen=True)
class NewTicket:
    customer_id: int
    category: str
    severity: str
    description: str
    title: str = ""
    source: str = Source.PHONE
    external_id: str = ""
    followup_id: int | None = None


def _problem_title(description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return first_line[:60]


@transaction.atomic
def ticket_create(
    *,
    data: NewTicket,
    actor: User | None,
    now: datetime,
    attachments: Iterable[UploadedFile] = (),
) -> Ticket:
    """Open a ticket: SLA from the policy, routed to a department and an owner, flagged
    when the customer raised the same category recently, the supervisor told at once when
    the policy asks for it."""
    if data.category not in Category.values:
        raise TicketError(_("Unknown problem category."))
    if not data.description.strip():
        raise TicketError(_("Describe the problem."))
    customer = (
        Customer.objects.select_related("team__supervisor").filter(pk=data.customer_id).first()
    )
    if customer is None:
        raise TicketError(_("That customer does not exist."))
    attachments = list(attachments)
    for upload in attachments:
        check_attachment(upload)
    policy = sla_policy_for(severity=data.severity, category=data.category, tier=customer.tier)
    if policy is None:
        raise TicketError(_("No SLA policy covers this severity; ask an administrator."))
    config = ticket_settings()
    department, owner = route(customer=customer, category=data.category, severity=data.severity)

    window_start = now - timedelta(days=config.repeat_window_days)
    earlier = Ticket.objects.filter(
        customer=customer, category=data.category, opened_at__gte=window_start, opened_at__lte=now
    ).count()
    ticket = Ticket(
        customer=customer,
        source=data.source,
        external_id=data.external_id,
        followup_id=data.followup_id,
        category=data.category,
        severity=data.severity,
        title=(data.title.strip() or _problem_title(data.description))[:120],
        description=data.description.strip(),
        owner=owner,
        department=department,
        created_by=actor,
        opened_at=now,
        response_target=policy.response_target,
        solution_target=policy.solution_target,
        solution_sla=SlaMark.ON_TRACK if policy.solution_target else SlaMark.NONE,
        is_repeat=earlier > 0,
        repeat_count=earlier + 1,
    )
    clock.apply_thresholds(
        ticket, working_calendar(), ratio=config.at_risk_ratio, now=now, pauses=[]
    )
    ticket.save()
    StatusChange.objects.create(ticket=ticket, at=now, to_status=Status.NEW, actor=actor)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=ticket,
        changes={
            "category": [None, ticket.get_category_display()],
            "severity": [None, ticket.get_severity_display()],
            "owner": [None, owner],
            "department": [None, department],
        },
        note=_("Repeat complaint (%(count)s in the window)") % {"count": ticket.repeat_count}
        if ticket.is_repeat
        else "",
        at=now,
    )
    for upload in attachments:
        _store_attachment(ticket, upload, actor=actor, now=now)
    if data.category in COMPLAINT_CATEGORIES:
        Customer.objects.filter(pk=customer.pk).update(last_complaint_at=now)
    if owner is not None:
        notify(
            recipients=[owner],
            kind="ticket_assigned",
            title=_("New ticket %(number)s: %(title)s")
            % {"number": ticket.number, "title": ticket.title},
            body=customer.name,
            url=ticket_url(ticket),
            now=now,
        )
    if policy.notify_supervisor:
        _escalate(ticket, EscalationReason.URGENT_OPENED, now=now, config=config)
    return ticket


@transaction.atomic
def ticket_receive_external(*, data: NewTicket, now: datetime) -> tuple[Ticket, bool]:
    """A ticket from another system, idempotent by its external id: (ticket, created)."""
    if not data.external_id:
        raise TicketError(_("An external ticket needs its external id."))
    existing = Ticket.objects.filter(source=Source.EXTERNAL, external_id=data.external_id).first()
    if existing is not None:
        return existing, False
    data = NewTicket(**{**data.__dict__, "source": Source.EXTERNAL})
    return ticket_create(data=data, actor=None, now=now), True


@transaction.atomic
def ticket_create_from_followup(
    *,
    followup_id: int,
    actor: User | None,
    category: str,
    severity: str,
    description: str,
    now: datetime,
    title: str = "",
) -> Ticket:
    """ "Found a problem" in the follow-up workspace → a ticket in one step."""
    followup = FollowUp.objects.filter(pk=followup_id).first()
    if followup is None:
        raise TicketError(_("That follow-up does not exist."))
    data = NewTicket(
        customer_id=followup.customer_id,
        category=category,
        severity=severity,
        description=description,
        title=title,
        source=Source.FOLLOWUP,
        followup_id=followup.pk,
    )
    return ticket_create(data=data, actor=actor, now=now)


class Scale:
    CSAT = "csat"  # 1–5
    RATING10 = "rating10"  # 1–10
    NPS = "nps"  # 0–10


# A 1–10 rating at or below this opens a ticket; HUIFANG_RATING10_TICKET_AT_MOST overrides it.
RATING10_TICKET_AT_MOST = 4


def rating10_ticket_at_most() -> int:
    return int(getattr(settings, "HUIFANG_RATING10_TICKET_AT_MOST", RATING10_TICKET_AT_MOST))


@transaction.atomic
def ticket_create_from_answer(
    *,
    customer_id: int,
    score: int,
    scale: str,
    answer_ref: str,
    now: datetime,
    comment: str = "",
    followup_id: int | None = None,
    actor: User | None = None,
) -> Ticket | None:
    """A low satisfaction score, a low 1–10 rating or an NPS detractor opens a ticket, by the
    configured rule.

    Idempotent by ``answer_ref`` (the answer's id): the same answer never opens two tickets.
    Returns None when the score is not low enough or the rule is switched off.
    """
    bounds = {Scale.CSAT: (1, 5), Scale.RATING10: (1, 10), Scale.NPS: (0, 10)}
    if scale not in bounds:
        raise TicketError(_("Unknown score scale."))
    low, high = bounds[scale]
    if not low <= score <= high:
        raise TicketError(
            _("A score on this scale lies between %(low)s and %(high)s.")
            % {"low": low, "high": high}
        )
    config = ticket_settings()
    limits = {
        Scale.CSAT: config.csat_at_most,
        Scale.RATING10: rating10_ticket_at_most(),
        Scale.NPS: config.nps_at_most,
    }
    limit = limits[scale]
    if not config.tickets_from_answers or score > limit:
        return None
    existing = Ticket.objects.filter(source=Source.SURVEY, external_id=answer_ref).first()
    if existing is not None:
        return existing
    if scale == Scale.CSAT:
        title = _("Low satisfaction score %(score)s/5") % {"score": score}
    elif scale == Scale.RATING10:
        title = _("Low rating %(score)s/10") % {"score": score}
    else:
        title = _("NPS detractor: %(score)s/10") % {"score": score}
    description = title + (f"\n{comment.strip()}" if comment.strip() else "")
    data = NewTicket(
        customer_id=customer_id,
        category=config.answer_category,
        severity=config.answer_severity,
        description=description,
        title=title,
        source=Source.SURVEY,
        external_id=answer_ref,
        followup_id=followup_id,
    )
    return ticket_create(data=data, actor=actor, now=now)


# ---------------------------------------------------------------------------- progress


def _respond(ticket: Ticket, *, actor: User | None, now: datetime) -> dict[str, Any]:
    """The first customer-facing action fulfils the response target."""
    if ticket.first_response_at is not None:
        return {}
    ticket.first_response_at = now
    ticket.response_sla = (
        SlaMark.MET if ticket.response_due_at and now <= ticket.response_due_at else SlaMark.MISSED
    )
    if ticket.status == Status.NEW:
        _set_status(ticket, Status.IN_PROGRESS, actor=actor, now=now)
    return {"first_response_at": [None, now], "response_sla": [None, ticket.response_sla]}


def _tell_customer(ticket: Ticket, body: str, *, actor: User | None, now: datetime) -> TicketUpdate:
    email = _customer_email(ticket.customer_id)
    update = TicketUpdate.objects.create(
        ticket=ticket,
        kind=UpdateKind.CUSTOMER,
        body=body,
        delivery=Delivery.EMAIL if email else Delivery.PHONE,
        sent_to=email,
        author=actor,
        at=now,
    )
    if email:
        subject = _("Progress on your request %(number)s") % {"number": ticket.number}
        transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=False))
    return update


def _require_open(ticket: Ticket) -> None:
    if ticket.status == Status.CLOSED:
        raise TicketError(_("This ticket is closed."))


@transaction.atomic
def ticket_add_update(
    *, ticket: Ticket, actor: User, body: str, to_customer: bool, now: datetime
) -> TicketUpdate:
    """An internal note, or progress the customer is told (by email if we have one, else
    recorded as a call to make). Telling the customer counts as the first response."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _require_open(ticket)
    if not body.strip():
        raise TicketError(_("Write something first."))
    if not to_customer:
        update = TicketUpdate.objects.create(
            ticket=ticket,
            kind=UpdateKind.NOTE,
            body=body.strip(),
            delivery=Delivery.INTERNAL,
            author=actor,
            at=now,
        )
        _audit(ticket, actor, {}, _("Internal note"), now)
        return update
    update = _tell_customer(ticket, body.strip(), actor=actor, now=now)
    changes = _respond(ticket, actor=actor, now=now)
    ticket.save()
    _audit(
        ticket,
        actor,
        changes,
        _("Customer told: %(how)s") % {"how": update.get_delivery_display()},
        now,
    )
    return update


def _pause(ticket: Ticket, reason: str, now: datetime) -> None:
    TicketPause.objects.create(ticket=ticket, reason=reason, started_at=now)
    ticket.paused_since = now


def _resume(ticket: Ticket, now: datetime, config: TicketSettings) -> None:
    """Close the running pause, account its working time, and move the due times later."""
    calendar = working_calendar()
    open_pause = ticket.pauses.filter(ended_at__isnull=True).first()
    if open_pause is not None:
        open_pause.ended_at = max(now, open_pause.started_at)
        open_pause.save(update_fields=["ended_at"])
        ticket.paused_working += calendar.working_time_between(
            open_pause.started_at, open_pause.ended_at
        )
    ticket.paused_since = None
    clock.apply_thresholds(
        ticket, calendar, ratio=config.at_risk_ratio, now=now, pauses=clock.pauses_of(ticket)
    )


@transaction.atomic
def ticket_wait_on_customer(*, ticket: Ticket, actor: User, now: datetime, note: str = "") -> None:
    """等待客户: the SLA clock stops until the customer comes back."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in RUNNING_STATUSES:
        raise TicketError(_("Only a ticket in progress can wait on the customer."))
    changes = _respond(ticket, actor=actor, now=now)
    _set_status(ticket, Status.WAITING_CUSTOMER, actor=actor, now=now, note=note)
    _pause(ticket, PauseReason.WAITING_CUSTOMER, now)
    ticket.save()
    changes["status"] = [Status.IN_PROGRESS, Status.WAITING_CUSTOMER]
    _audit(ticket, actor, changes, note, now)


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor: User, now: datetime) -> None:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != Status.WAITING_CUSTOMER:
        raise TicketError(_("This ticket is not waiting on the customer."))
    _set_status(ticket, Status.IN_PROGRESS, actor=actor, now=now)
    _resume(ticket, now, ticket_settings())
    ticket.save()
    _audit(ticket, actor, {"status": [Status.WAITING_CUSTOMER, Status.IN_PROGRESS]}, "", now)


@transaction.atomic
def ticket_reassign(*, ticket: Ticket, actor: User, owner: User, now: datetime) -> None:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _require_open(ticket)
    if not owner.is_active:
        raise TicketError(_("That user is no longer active."))
    before = ticket.owner
    ticket.owner = owner
    ticket.save(update_fields=["owner"])
    _audit(ticket, actor, {"owner": [before, owner]}, "", now)
    notify(
        recipients=[owner],
        kind="ticket_assigned",
        title=_("Ticket %(number)s is now yours") % {"number": ticket.number},
        body=ticket.title,
        url=ticket_url(ticket),
        now=now,
    )


def _store_attachment(
    ticket: Ticket, upload: UploadedFile, *, actor: User | None, now: datetime
) -> Attachment:
    name = (upload.name or "file")[-200:]
    attachment = Attachment(
        ticket=ticket, name=name, size=upload.size or 0, uploaded_by=actor, at=now
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(
    *, ticket: Ticket, actor: User, upload: UploadedFile, now: datetime
) -> Attachment:
    check_attachment(upload)
    attachment = _store_attachment(ticket, upload, actor=actor, now=now)
    _audit(ticket, actor, {"attachments": [None, attachment.name]}, "", now)
    return attachment


# ---------------------------------------------------------------------------- solve, confirm

NATURE_BY_CATEGORY = {
    Category.QUALITY_FAULT: "urgent_fault",
    Category.PRODUCT_FUNCTION: "consultation",
    Category.OTHER_SUGGESTION: "consultation",
}


def problem_nature(ticket: Ticket) -> str:
    """The follow-up engine's problem nature: faults that stop use are urgent faults."""
    nature = NATURE_BY_CATEGORY.get(Category(ticket.category), "normal_problem")
    if nature == "urgent_fault" and ticket.severity == "general":
        return "normal_problem"
    return nature


def confirmation_path(ticket: Ticket) -> str:
    token = make_token(ticket_id=ticket.pk, solve_round=ticket.solve_round)
    return reverse("tickets:confirm", args=[token])


@transaction.atomic
def ticket_solve(
    *, ticket: Ticket, actor: User, solution: str, now: datetime, site: str = ""
) -> str:
    """Mark it solved and ask the customer to confirm; returns the confirmation link.

    The SLA clock stops while we wait for the answer; the post-solution follow-ups are
    planned at once (one planning event per solve round).
    """
    ticket = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    if ticket.status not in (*RUNNING_STATUSES, Status.WAITING_CUSTOMER):
        raise TicketError(_("Only an open ticket that is not awaiting confirmation can be solved."))
    if not solution.strip():
        raise TicketError(_("Describe the solution."))
    before = ticket.status
    config = ticket_settings()
    if ticket.status == Status.WAITING_CUSTOMER:
        _resume(ticket, now, config)
    changes = _respond(ticket, actor=actor, now=now)
    ticket.solve_round += 1
    ticket.solved_at = now
    ticket.final_solution = solution.strip()
    if ticket.solution_target is not None:
        met = ticket.solution_due_at is not None and now <= ticket.solution_due_at
        ticket.solution_sla = SlaMark.MET if met else SlaMark.MISSED
    _set_status(ticket, Status.SOLVED, actor=actor, now=now)
    _pause(ticket, PauseReason.CONFIRMATION, now)
    ticket.save()
    link = site + confirmation_path(ticket)
    handled = _("Your request %(number)s has been handled: %(solution)s") % {
        "number": ticket.number,
        "solution": ticket.final_solution,
    }
    ask = _("Please tell us whether it is solved: %(link)s") % {"link": link}
    message = f"{handled}\n{ask}"
    _tell_customer(ticket, message, actor=actor, now=now)
    changes.update(status=[before, Status.SOLVED], solve_round=[None, ticket.solve_round])
    _audit(ticket, actor, changes, ticket.final_solution[:200], now)
    event_receive(
        source_ref=f"ticket:{ticket.pk}:solved:{ticket.solve_round}",
        trigger="ticket_solved",
        customer_id=ticket.customer_id,
        occurred_at=now,
        now=now,
        problem_nature=problem_nature(ticket),
        severity=ticket.severity,
    )
    return link


@dataclass(frozen=True)
class Answer:
    solved: bool
    satisfaction: int
    comment: str = ""


@transaction.atomic
def ticket_confirm(
    *,
    ticket: Ticket,
    solve_round: int,
    answer: Answer,
    channel: str,
    actor: User | None,
    now: datetime,
) -> Confirmation | None:
    """The customer's answer to a solve round. Solved and content → closed; otherwise the
    ticket reopens and climbs the escalation chain. None when this round was answered
    already (or is no longer the current one): nothing changes."""
    if not 1 <= answer.satisfaction <= 5:
        raise TicketError(_("Satisfaction is a score from 1 to 5."))
    ticket = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    if ticket.status != Status.SOLVED or ticket.solve_round != solve_round:
        return None
    if Confirmation.objects.filter(ticket=ticket, solve_round=solve_round).exists():
        return None
    confirmation = Confirmation.objects.create(
        ticket=ticket,
        solve_round=solve_round,
        channel=channel,
        solved=answer.solved,
        satisfaction=answer.satisfaction,
        comment=answer.comment.strip(),
        recorded_by=actor,
        at=now,
    )
    config = ticket_settings()
    content = answer.solved and answer.satisfaction > config.unhappy_at_most
    if content:
        ticket.closed_at = now
        ticket.satisfaction = answer.satisfaction
        ticket.handling_time = now - ticket.opened_at
        open_pause = ticket.pauses.filter(ended_at__isnull=True).first()
        if open_pause is not None:
            open_pause.ended_at = now
            open_pause.save(update_fields=["ended_at"])
        ticket.paused_since = None
        _set_status(
            ticket, Status.CLOSED, actor=actor, now=now, note=confirmation.get_channel_display()
        )
        ticket.save()
        _audit(
            ticket,
            actor,
            {"status": [Status.SOLVED, Status.CLOSED], "satisfaction": [None, answer.satisfaction]},
            _("Confirmed by the customer"),
            now,
        )
        return confirmation
    ticket.reopen_count += 1
    _set_status(ticket, Status.IN_PROGRESS, actor=actor, now=now, note=answer.comment[:200])
    _resume(ticket, now, config)
    if ticket.solution_target is not None:
        ticket.solution_sla = clock.mark_of(
            clock.solution_clock(ticket, working_calendar(), now=now, ratio=config.at_risk_ratio)
        )
    ticket.save()
    _audit(
        ticket,
        actor,
        {"status": [Status.SOLVED, Status.IN_PROGRESS], "reopen_count": [0, ticket.reopen_count]},
        _("Customer says not solved or not satisfied (%(score)s/5)")
        % {"score": answer.satisfaction},
        now,
    )
    _escalate(ticket, EscalationReason.CUSTOMER_REJECTED, now=now, config=config)
    return confirmation


# ---------------------------------------------------------------------------- sweep

Transition = tuple[str, str, str]  # (clock, from mark, to mark)


@dataclass
class SweepResult:
    escalated: int = 0
    by_reason: dict[str, int] = field(default_factory=lambda: defaultdict(int))


CLOCKS = {
    "response": ("response_risk_at", "response_due_at", "response_sla"),
    "solution": ("solution_risk_at", "solution_due_at", "solution_sla"),
}
REASONS: dict[tuple[str, str], str] = {
    ("response", SlaMark.AT_RISK): EscalationReason.RESPONSE_AT_RISK,
    ("response", SlaMark.BREACHED): EscalationReason.RESPONSE_BREACHED,
    ("solution", SlaMark.AT_RISK): EscalationReason.SOLUTION_AT_RISK,
    ("solution", SlaMark.BREACHED): EscalationReason.SOLUTION_BREACHED,
}


def _claim(mark_field: str, ids: list[int], old: str, new: str) -> list[int]:
    """Move ``ids`` from ``old`` to ``new`` where they still are ``old`` and running; the
    ids this worker moved come back. Another worker's claim, a response or a pause in the
    meantime makes the row not match, so each transition happens exactly once."""
    table = connection.ops.quote_name(Ticket._meta.db_table)
    column = connection.ops.quote_name(mark_field)
    marks = ", ".join(["%s"] * len(ids))
    statuses = ", ".join(["%s"] * len(RUNNING_STATUSES))
    sql = (
        f"UPDATE {table} SET {column} = %s WHERE id IN ({marks}) AND {column} = %s "
        f"AND status IN ({statuses}) RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [new, *ids, old, *RUNNING_STATUSES])
        return [row[0] for row in cursor.fetchall()]


def _sweep_chunk(
    clock_name: str, rows: list[tuple[int, datetime, str]], now: datetime, config: TicketSettings
) -> int:
    _risk, _due, mark_field = CLOCKS[clock_name]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, due, mark in rows:
        new: str = SlaMark.BREACHED if now >= due else SlaMark.AT_RISK
        groups[(mark, new)].append(pk)
    escalations: list[Escalation] = []
    messages: list[Message] = []
    audits: list[Change] = []
    raises: dict[int, list[int]] = defaultdict(list)
    with transaction.atomic():
        for (old, new), ids in groups.items():
            claimed = _claim(mark_field, ids, old, new)
            if not claimed:
                continue
            reason = REASONS[(clock_name, new)]
            tickets = Ticket.objects.filter(pk__in=claimed).select_related(
                "owner", "department__head", "customer__team__supervisor"
            )
            for ticket in tickets:
                level = escalation_level(reason, ticket.escalation_level, config)
                recipient = escalation_recipient(ticket, level)
                title, body = _escalation_message(ticket, reason, level)
                escalations.append(
                    Escalation(
                        ticket_id=ticket.pk,
                        level=level,
                        reason=reason,
                        solve_round=ticket.solve_round,
                        recipient=recipient,
                        at=now,
                    )
                )
                messages.append(
                    Message(
                        recipient.pk if recipient else 0,
                        "ticket_escalation",
                        title,
                        body,
                        ticket_url(ticket),
                    )
                )
                audits.append(
                    Change(
                        Action.UPDATE, ticket.pk, str(ticket)[:200], {mark_field: [old, new]}, title
                    )
                )
                if level > ticket.escalation_level:
                    raises[level].append(ticket.pk)
        sent = iter(notify_many(messages=[m for m in messages if m.recipient_id], now=now))
        for escalation, message in zip(escalations, messages, strict=True):
            if message.recipient_id:
                escalation.notification = next(sent)
        Escalation.objects.bulk_create(escalations, batch_size=1000)
        for level, ids in raises.items():
            Ticket.objects.filter(pk__in=ids, escalation_level__lt=level).update(
                escalation_level=level
            )
        audit_record_many(actor=None, model=Ticket, changes=audits, at=now)
    return len(escalations)


def tickets_sla_sweep(*, now: datetime, chunk: int = 1000) -> SweepResult:
    """Turn running tickets at risk or breached as their stored thresholds pass, and
    escalate each transition once. Safe with several workers at once."""
    from django.db.models import Q

    config = ticket_settings()
    result = SweepResult()
    for clock_name, (risk_field, due_field, mark_field) in CLOCKS.items():
        crossing = Q(**{mark_field: SlaMark.ON_TRACK, f"{risk_field}__lte": now}) | Q(
            **{mark_field: SlaMark.AT_RISK, f"{due_field}__lte": now}
        )
        candidates = Ticket.objects.filter(crossing, status__in=RUNNING_STATUSES)
        last_id = 0
        while True:
            rows = list(
                candidates.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", due_field, mark_field)[:chunk]
            )
            if not rows:
                break
            last_id = rows[-1][0]
            count = _sweep_chunk(clock_name, rows, now, config)
            result.escalated += count
            result.by_reason[clock_name] += count
    return result
