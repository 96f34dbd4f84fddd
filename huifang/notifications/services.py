"""Writes of notifications. Callers pass ``now`` so sweeps and tests agree on the time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from huifang.accounts.models import User
from huifang.notifications.models import Notification
from huifang.notifications.selectors import forget_unread_counts


@dataclass(frozen=True)
class Message:
    """One notification for :func:`notify_many`, when the recipient is known only by id."""

    recipient_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    now: datetime | None = None,
) -> list[Notification]:
    """One notification per distinct, active recipient (None and duplicates are skipped)."""
    seen: set[int] = set()
    messages = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        messages.append(Message(user.pk, kind, title, body, url))
    return notify_many(messages=messages, now=now)


@transaction.atomic
def notify_many(*, messages: Sequence[Message], now: datetime | None = None) -> list[Notification]:
    """Many notifications with one insert (sweeps that escalate thousands of tickets)."""
    at = now or timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=m.recipient_id,
                kind=m.kind,
                title=m.title[:200],
                body=m.body,
                url=m.url[:300],
                created_at=at,
            )
            for m in messages
        ],
        batch_size=1000,
    )
    # bulk_create sends no post_save: the navbar counts are forgotten here.
    forget_unread_counts(m.recipient_id for m in messages)
    return created


@transaction.atomic
def notification_acknowledge(
    *, notification: Notification, user: User, now: datetime | None = None
) -> bool:
    """The recipient confirms they have seen it and act on it. Only the recipient may.

    Returns False when someone else tries (nothing changes) or it was acknowledged already.
    """
    if notification.recipient_id != user.pk:
        return False
    at = now or timezone.now()
    updated = Notification.objects.filter(pk=notification.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=at, read_at=notification.read_at or at
    )
    notification.refresh_from_db(fields=["acknowledged_at", "read_at"])
    forget_unread_counts([user.pk])
    return updated == 1


@transaction.atomic
def notifications_mark_read(*, user: User, now: datetime | None = None) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    forget_unread_counts([user.pk])
    return marked
