"""Reminders before the due time, escalation when overdue (F8), call announcements (F5).

Each sweep claims a follow-up's column (reminded_at, escalated_at, announced_at) with a
conditional UPDATE before acting, so several workers sweeping at once remind, escalate
and announce each follow-up exactly once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.channels.models import Kind, Transport
from huifang.channels.registry import configured
from huifang.channels.services import message_queue
from huifang.channels.sms import settings as sms_settings
from huifang.customers.models import Channel
from huifang.followups.models import OPEN_STATUSES, FollowUp, FollowUpStatus
from huifang.notifications.services import notify

BATCH = 1000


def _claimed(rows: QuerySet[FollowUp], column: str, now: datetime) -> list[FollowUp]:
    won = []
    for followup in rows[:BATCH]:
        updated = FollowUp.objects.filter(pk=followup.pk, **{f"{column}__isnull": True}).update(
            **{column: now}
        )
        if updated == 1:
            won.append(followup)
    return won


def _local(at: datetime | None) -> str:
    return timezone.localtime(at).strftime("%m-%d %H:%M") if at else ""


def _tell(user: User, *, kind: str, title: str, body: str, url: str, now: datetime) -> None:
    """In the app always; by WeCom group robot and email too when those are configured."""
    notify(recipients=[user], kind=kind, title=title, body=body, url=url, now=now)
    text = f"{title}\n{body}\n{settings.HUIFANG_SITE_URL}{url}"
    if configured(Transport.WECOM):
        message_queue(channel=Transport.WECOM, to=user.username, body=text, kind=kind, now=now)
    if configured(Transport.EMAIL) and user.email:
        message_queue(
            channel=Transport.EMAIL, to=user.email, subject=title, body=text, kind=kind, now=now
        )


def followups_remind(*, now: datetime) -> int:
    """Remind each assignee of their follow-ups coming due within the reminder lead."""
    lead = timedelta(minutes=settings.HUIFANG_REMINDER_MINUTES)
    rows = (
        FollowUp.objects.filter(
            status=FollowUpStatus.PLANNED,
            owner__isnull=False,
            reminded_at__isnull=True,
            scheduled_at__gt=now - lead,
            scheduled_at__lte=now + lead,
        )
        .select_related("owner", "customer")
        .order_by("scheduled_at")
    )
    by_owner: dict[User, list[FollowUp]] = defaultdict(list)
    for followup in _claimed(rows, "reminded_at", now):
        assert followup.owner is not None
        by_owner[followup.owner].append(followup)
    for owner, followups in by_owner.items():
        lines = [f"{_local(f.scheduled_at)} {f.customer.name} · {f.purpose}" for f in followups]
        _tell(
            owner,
            kind="followup_due",
            title=_("%(count)s follow-up(s) due soon") % {"count": len(followups)},
            body="\n".join(lines),
            url=reverse("workspace:queue"),
            now=now,
        )
    return sum(len(f) for f in by_owner.values())


def _supervisor(followup: FollowUp) -> User | None:
    team = followup.customer.team
    if team is not None and team.supervisor is not None:
        return team.supervisor
    owner = followup.owner
    if owner is not None and owner.team is not None:
        return owner.team.supervisor
    return None


def followups_escalate(*, now: datetime) -> int:
    """Overdue follow-ups escalate to the supervisor (once each)."""
    rows = (
        FollowUp.objects.filter(
            status__in=OPEN_STATUSES, due_end__lt=now, escalated_at__isnull=True
        )
        .select_related("owner__team__supervisor", "customer__team__supervisor")
        .order_by("due_end")
    )
    by_supervisor: dict[User, list[FollowUp]] = defaultdict(list)
    for followup in _claimed(rows, "escalated_at", now):
        supervisor = _supervisor(followup)
        if supervisor is not None:
            by_supervisor[supervisor].append(followup)
    for supervisor, followups in by_supervisor.items():
        lines = [
            f"{f.customer.name} · {f.purpose} · {_('due by')} {_local(f.due_end)}"
            + (f" · {f.owner}" if f.owner else "")
            for f in followups
        ]
        _tell(
            supervisor,
            kind="followup_overdue",
            title=_("%(count)s follow-up(s) overdue") % {"count": len(followups)},
            body="\n".join(lines),
            url=reverse("workspace:work", args=[followups[0].pk]),
            now=now,
        )
    return sum(len(f) for f in by_supervisor.values())


def followups_announce(*, now: datetime) -> int:
    """SMS the customer a day before a call where the rule says so (S002)."""
    rows = (
        FollowUp.objects.filter(
            status=FollowUpStatus.PLANNED,
            announce_day_before=True,
            announced_at__isnull=True,
            scheduled_at__gt=now,
            scheduled_at__lte=now + timedelta(days=1),
        )
        .select_related("customer")
        .prefetch_related("customer__contacts")
        .order_by("scheduled_at")
    )
    sent = 0
    template = sms_settings.current().templates.get(Kind.ANNOUNCE, "")
    for followup in _claimed(rows, "announced_at", now):
        customer = followup.customer
        if customer.opted_out or Channel.SMS in customer.refused_channels:
            continue
        phone = next((c.phone for c in customer.contacts.all() if c.phone), "")
        if not phone:
            continue
        when = _local(followup.scheduled_at)
        body = _(
            "Dear %(name)s, our service team will call you around %(when)s for a short "
            "follow-up. If that time does not suit you, just tell us when we call."
        ) % {"name": customer.name, "when": when}
        number = phone.split(";")[0]
        message_queue(
            channel=Transport.SMS,
            to=number[3:] if number.startswith("+86") else number.lstrip("+"),
            body=body,
            template=template,
            params={"name": customer.name, "time": when},
            kind=Kind.ANNOUNCE,
            now=now,
            followup_id=followup.pk,
            customer_id=customer.pk,
        )
        sent += 1
    return sent
