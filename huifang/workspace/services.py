"""Writes of the agent workspace: claim a follow-up, record its outcome (F9, E3, E5).

An agent claims a follow-up with one conditional UPDATE (planned → in_progress, claimed
by them); zero rows updated means a colleague was first, so two agents never work the
same follow-up. Every outcome records a ContactAttempt, which the contact policy counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.customers.models import Customer
from huifang.customers.services import customer_preferences_update
from huifang.followups.models import OPEN_STATUSES, ContactAttempt, FollowUp, FollowUpStatus
from huifang.surveys.services import contact_attempt_record, response_start, response_submit
from huifang.tickets.models import Ticket
from huifang.tickets.services import ticket_create_from_followup
from huifang.workspace import policy
from huifang.workspace.selectors import ranked


class WorkspaceError(ValueError):
    """An outcome that cannot be recorded; the message says why, for the agent."""


class Result:
    COMPLETED = "completed"
    BUSY = "busy"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"
    OPTED_OUT = "opted_out"


def followup_claim(*, followup_id: int, user: User, now: datetime) -> bool:
    """Take a planned follow-up; False when someone else already has it."""
    claimed = FollowUp.objects.filter(pk=followup_id, status=FollowUpStatus.PLANNED).update(
        status=FollowUpStatus.IN_PROGRESS, claimed_by=user, claimed_at=now
    )
    return claimed == 1


def followup_claim_next(*, user: User, now: datetime) -> FollowUp | None:
    """The first follow-up of the user's queue nobody has taken, claimed for them."""
    for candidate in ranked(user, now):
        if candidate.mine:
            return FollowUp.objects.get(pk=candidate.pk)
        if followup_claim(followup_id=candidate.pk, user=user, now=now):
            return FollowUp.objects.get(pk=candidate.pk)
    return None


def followup_release(*, followup: FollowUp, user: User) -> bool:
    """Give a claimed follow-up back to the queue without an outcome."""
    return (
        FollowUp.objects.filter(
            pk=followup.pk, status=FollowUpStatus.IN_PROGRESS, claimed_by=user
        ).update(status=FollowUpStatus.PLANNED, claimed_by=None, claimed_at=None)
        == 1
    )


def _locked(followup: FollowUp, user: User) -> FollowUp:
    row = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=followup.pk)
    )
    if row.status != FollowUpStatus.IN_PROGRESS:
        raise WorkspaceError(_("This follow-up is not being worked on; open it from the queue."))
    if row.claimed_by_id != user.pk:
        raise WorkspaceError(_("Someone else is working on this follow-up."))
    return row


def _attempt(followup: FollowUp, user: User, now: datetime, result: str, note: str) -> None:
    contact_attempt_record(followup=followup, agent=user, result=result, now=now, note=note)


def _back_to_queue(followup: FollowUp, at: datetime, reason: dict[str, str]) -> None:
    followup.status = FollowUpStatus.PLANNED
    followup.scheduled_at = at
    followup.due_end = max(followup.due_end, at)
    followup.claimed_by = None
    followup.claimed_at = None
    followup.reminded_at = None
    followup.escalated_at = None
    followup.reasons = [*followup.reasons, reason]
    followup.save(
        update_fields=["status", "scheduled_at", "due_end", "claimed_by", "claimed_at",
                       "reminded_at", "escalated_at", "reasons"]
    )  # fmt: skip


def _close(followup: FollowUp, status: str, now: datetime, reason: dict[str, str]) -> None:
    followup.status = status
    followup.finished_at = now
    followup.reasons = [*followup.reasons, reason]
    followup.save(update_fields=["status", "finished_at", "reasons"])


def _local(at: datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def followup_complete(
    *, followup: FollowUp, user: User, answers: Mapping[str, Any], now: datetime, note: str = ""
) -> FollowUp:
    """Completed with answers: they land like a customer's own (tickets for low scores)."""
    row = _locked(followup, user)
    response = response_start(followup=row, via="agent", agent=user, now=now)
    response_submit(response=response, raw=answers, actor=user, now=now, note=note)
    row.refresh_from_db()
    return row


class RescheduleRefused(WorkspaceError):
    def __init__(self, reasons: list[str], suggestion: datetime | None) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons
        self.suggestion = suggestion


@transaction.atomic
def followup_reschedule(
    *, followup: FollowUp, user: User, at: datetime, now: datetime, note: str = ""
) -> FollowUp:
    """Customer busy: call back at the time they named, if the contact policy allows it."""
    row = _locked(followup, user)
    if at <= now:
        raise RescheduleRefused([_("Pick a time in the future.")], None)
    refusals = policy.refusals(row, at, now=now)
    if refusals:
        decision = policy.earliest(row, start=at, now=now, named_by_customer=True)
        raise RescheduleRefused([policy.explain(r, at, now=now) for r in refusals], decision.at)
    _attempt(row, user, now, Result.BUSY, note)
    detail = _("Customer busy; asked to be called back at %(when)s") % {"when": _local(at)}
    _back_to_queue(row, at, {"code": "rescheduled", "detail": detail})
    return row


def unreachable_tries() -> int:
    return int(getattr(settings, "HUIFANG_UNREACHABLE_TRIES", 3))


@transaction.atomic
def followup_unreachable(
    *, followup: FollowUp, user: User, now: datetime, note: str = ""
) -> FollowUp:
    """Nobody answered: try again on another working day, and give up after the last try."""
    row = _locked(followup, user)
    _attempt(row, user, now, Result.UNREACHABLE, note)
    tries = ContactAttempt.objects.filter(followup=row, result=Result.UNREACHABLE).count()
    limit = unreachable_tries()
    if tries >= limit:
        detail = _("Unreachable %(tries)s times on different days; given up") % {"tries": tries}
        _close(row, FollowUpStatus.CANCELLED, now, {"code": "unreachable", "detail": detail})
        return row
    start = policy.next_working_day_start(now, now=now)
    decision = policy.earliest(row, start=start, now=now, named_by_customer=False)
    if decision.at is None:
        detail = _("Unreachable; no allowed time for another try in the next 30 days")
        _close(row, FollowUpStatus.CANCELLED, now, {"code": "unreachable", "detail": detail})
        return row
    detail = _("Unreachable (try %(tries)s of %(limit)s); next try %(when)s") % {
        "tries": tries,
        "limit": limit,
        "when": _local(decision.at),
    }
    _back_to_queue(row, decision.at, {"code": "retry", "detail": detail})
    return row


@transaction.atomic
def followup_refused(
    *, followup: FollowUp, user: User, opt_out: bool, now: datetime, note: str = ""
) -> FollowUp:
    """Refused: remember it (this channel refused, or no follow-ups at all) and stop the
    customer's open routine follow-ups that the refusal covers."""
    row = _locked(followup, user)
    customer = Customer.objects.select_for_update().get(pk=row.customer_id)
    _attempt(row, user, now, Result.OPTED_OUT if opt_out else Result.REFUSED, note)
    if opt_out:
        customer_preferences_update(actor=user, customer=customer, opted_out=True)
        detail = _("Customer asked not to be followed up any more")
    else:
        changes: dict[str, Any] = {
            "refused_channels": sorted({*customer.refused_channels, row.channel})
        }
        if customer.preferred_channel == row.channel:
            changes["preferred_channel"] = ""
        customer_preferences_update(actor=user, customer=customer, **changes)
        detail = _("Customer refused contact by %(channel)s") % {
            "channel": row.get_channel_display()
        }
    reason = {"code": "refused", "detail": detail}
    _close(row, FollowUpStatus.CANCELLED, now, reason)
    others = FollowUp.objects.filter(
        customer_id=row.customer_id, status__in=OPEN_STATUSES, routine=True
    ).exclude(pk=row.pk)
    if not opt_out:
        others = others.filter(channel=row.channel)
    for other in others:
        _close(other, FollowUpStatus.SUPPRESSED, now, reason)
    return row


def followup_report_problem(
    *,
    followup: FollowUp,
    user: User,
    category: str,
    severity: str,
    description: str,
    now: datetime,
) -> Ticket:
    """ "Found a problem" → a ticket in one step, linked to the follow-up."""
    return ticket_create_from_followup(
        followup_id=followup.pk,
        actor=user,
        category=category,
        severity=severity,
        description=description,
        now=now,
    )
