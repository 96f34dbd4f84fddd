"""The contact policy as the workspace asks it: may we call back at the time named, and
when is the next try? Reads the database once, then asks the pure contact_policy module.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _

from huifang.domain.contact_policy import (
    Channel,
    Contact,
    Decision,
    Preferences,
    Reason,
    ReasonCode,
    check,
    earliest_allowed,
)
from huifang.followups.context import PlanContext, load_context, preferences
from huifang.followups.models import OPEN_STATUSES, ContactAttempt, FollowUp
from huifang.followups.reasons import label

# Contacts further back than this cannot matter (cap window 72 h, routine gap 7 days).
LOOK_BACK = timedelta(days=60)


def _prefs(followup: FollowUp, *, named_by_customer: bool) -> Preferences:
    customer = followup.customer
    prefs = preferences(
        preferred_channel=customer.preferred_channel,
        preferred_window_start=customer.preferred_window_start,
        preferred_window_end=customer.preferred_window_end,
        refused_channels=customer.refused_channels,
        opted_out=customer.opted_out,
    )
    if named_by_customer:
        # The customer just named this time on the phone: it beats their stored window.
        return Preferences(
            refused_channels=prefs.refused_channels,
            opted_out=prefs.opted_out,
            preferred_channel=prefs.preferred_channel,
        )
    return prefs


def history(followup: FollowUp, around: datetime) -> list[Contact]:
    """Past contacts and other planned ones. Attempts on this very follow-up count for
    the frequency cap but not for the routine gap: a call-back the customer asked for is
    not a second routine contact."""
    contacts = []
    attempts = ContactAttempt.objects.filter(
        customer_id=followup.customer_id, at__gte=around - LOOK_BACK
    ).values_list("at", "channel", "routine", "followup_id")
    for at, channel, routine, followup_id in attempts:
        own = followup_id == followup.pk
        contacts.append(Contact(at, Channel(channel), routine and not own))
    planned = (
        FollowUp.objects.filter(customer_id=followup.customer_id, status__in=OPEN_STATUSES)
        .exclude(pk=followup.pk)
        .exclude(scheduled_at__isnull=True)
        .values_list("scheduled_at", "channel", "routine")
    )
    for when, channel, routine in planned:
        if when is not None:
            contacts.append(Contact(when, Channel(channel), routine))
    return contacts


def _blackouts(ctx: PlanContext, followup: FollowUp) -> list[tuple[datetime, datetime]]:
    customer = followup.customer
    return list(
        ctx.blackouts_for(
            customer.industry or "", frozenset(customer.segments()) | set(customer.flags)
        )
    )


def _situation(
    followup: FollowUp, around: datetime, *, now: datetime, named_by_customer: bool
) -> dict[str, Any]:
    """The arguments check() and earliest_allowed() share, read once."""
    ctx = load_context(now)
    return {
        "channel": Channel(followup.channel),
        "routine": followup.routine,
        "history": history(followup, around),
        "prefs": _prefs(followup, named_by_customer=named_by_customer),
        "calendar": ctx.calendar,
        "rules": ctx.contact_rules,
        "blackouts": _blackouts(ctx, followup),
    }


def refusals(followup: FollowUp, at: datetime, *, now: datetime) -> tuple[Reason, ...]:
    """Why calling back at ``at`` is not allowed; empty when it is."""
    return check(at, **_situation(followup, at, now=now, named_by_customer=True))


def earliest(
    followup: FollowUp, *, start: datetime, now: datetime, named_by_customer: bool
) -> Decision:
    situation = _situation(followup, start, now=now, named_by_customer=named_by_customer)
    return earliest_allowed(window_start=start, window_end=start + timedelta(days=30), **situation)


def next_working_day_start(after: datetime, *, now: datetime) -> datetime:
    """00:00 of the first working day after the local day of ``after``."""
    calendar = load_context(now).calendar
    day = after.astimezone(calendar.tz).date() + timedelta(days=1)
    for _attempt in range(60):
        if calendar.is_working_day(day):
            break
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=calendar.tz)


def explain(reason: Reason, at: datetime, *, now: datetime) -> str:
    """A refused time, said in the user's language (Chinese by default)."""
    ctx = load_context(now)
    local = at.astimezone(ctx.calendar.tz)
    rules = ctx.contact_rules
    when = local.strftime("%Y-%m-%d %H:%M")
    messages = {
        ReasonCode.OPTED_OUT: _("The customer has opted out of follow-ups."),
        ReasonCode.CHANNEL_REFUSED: _("The customer refused contact by this channel."),
        ReasonCode.OUTSIDE_CONTACT_HOURS: _(
            "%(when)s is outside contact hours (working days 09:00–12:00 and 14:00–18:00)."
        )
        % {"when": when},
        ReasonCode.REST_DAY: _("%(day)s is not a working day.") % {"day": local.date()},
        ReasonCode.BLACKOUT: _("%(when)s falls in a blackout period for routine contact.")
        % {"when": when},
        ReasonCode.FREQUENCY_CAP: _("Too many contacts: at most %(count)s within %(hours)s hours.")
        % {"count": rules.max_contacts, "hours": int(rules.cap_window.total_seconds() // 3600)},
        ReasonCode.ROUTINE_GAP: _(
            "Too soon after another routine contact (at least %(days)s days apart)."
        )
        % {"days": rules.min_routine_gap.days},
    }
    return str(messages.get(reason.code, label(reason.code)))
