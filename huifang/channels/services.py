"""Queue, deliver and retry outbound messages; every attempt is recorded on its row.

Delivery claims the row with a conditional UPDATE (queued and due → sending); a worker
that updates zero rows lost the race and leaves the message alone, so several workers
never send one message twice. A failed attempt is queued again with backoff until
``HUIFANG_MESSAGE_MAX_ATTEMPTS``; then the message is failed and the follow-up's assignee
is told in the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from huifang.channels.base import Outgoing, Result, failed
from huifang.channels.models import MessageStatus, OutboundMessage, Transport
from huifang.channels.registry import sender, transport_for

# Wait after the 1st, 2nd, 3rd… failed attempt.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# A claim older than this belongs to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=10)


def max_attempts() -> int:
    return int(getattr(settings, "HUIFANG_MESSAGE_MAX_ATTEMPTS", 4))


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


@transaction.atomic
def message_queue(
    *,
    channel: str,
    to: str,
    body: str,
    kind: str,
    now: datetime,
    subject: str = "",
    template: str = "",
    params: Mapping[str, Any] | None = None,
    followup_id: int | None = None,
    customer_id: int | None = None,
) -> OutboundMessage:
    """Record a message and deliver it in the background once the transaction commits."""
    message = OutboundMessage.objects.create(
        kind=kind,
        channel=channel,
        transport=transport_for(channel),
        to=to[:200],
        subject=subject[:200],
        body=body,
        template=template,
        params=dict(params or {}),
        next_attempt_at=now,
        followup_id=followup_id,
        customer_id=customer_id,
        created_at=now,
    )
    from huifang.channels import tasks

    transaction.on_commit(lambda: tasks.deliver(message.pk))
    return message


def _claim(message_id: int, now: datetime) -> bool:
    return (
        OutboundMessage.objects.filter(
            pk=message_id, status=MessageStatus.QUEUED, next_attempt_at__lte=now
        ).update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


def _send(message: OutboundMessage) -> Result:
    outgoing = Outgoing(
        to=message.to,
        body=message.body,
        subject=message.subject,
        template=message.template,
        params=message.params,
    )
    try:
        return sender(message.transport)(outgoing)
    except Exception as error:
        return failed(f"{type(error).__name__}: {error}")


def message_deliver(*, message_id: int, now: datetime) -> OutboundMessage | None:
    """Try to send one queued, due message; None when another worker has it or it is not due.

    Not atomic on purpose: the claim commits before the network call, so a slow provider
    holds no database lock, and the outcome is written in its own short transaction.
    """
    if not _claim(message_id, now):
        return None
    message = OutboundMessage.objects.get(pk=message_id)
    result = _send(message)
    with transaction.atomic():
        if result.ok:
            message.status = MessageStatus.SENT
            message.sent_at = now
            message.provider_id = result.provider_id[:120]
            message.error = ""
        elif result.retry and message.attempts < max_attempts():
            message.status = MessageStatus.QUEUED
            message.next_attempt_at = now + backoff(message.attempts)
            message.error = result.error
        else:
            message.status = MessageStatus.FAILED
            message.error = result.error
            _tell_assignee(message, now)
        message.claimed_at = None
        message.save(
            update_fields=["status", "sent_at", "provider_id", "error", "next_attempt_at",
                           "claimed_at"]
        )  # fmt: skip
    return message


def _tell_assignee(message: OutboundMessage, now: datetime) -> None:
    from huifang.notifications.services import notify

    followup = message.followup
    if followup is None or followup.owner is None:
        return
    url = reverse("workspace:work", args=[followup.pk])
    notify(
        recipients=[followup.owner],
        kind="message_failed",
        title=_("A message to %(to)s could not be delivered") % {"to": message.to},
        body=message.error[:500],
        url=url,
        now=now,
    )


def messages_deliver_due(*, now: datetime, limit: int = 200) -> int:
    """Deliver queued messages whose (next) attempt is due; returns how many were sent."""
    OutboundMessage.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=MessageStatus.QUEUED, claimed_at=None)
    due = OutboundMessage.objects.filter(
        status=MessageStatus.QUEUED, next_attempt_at__lte=now
    ).order_by("next_attempt_at")
    sent = 0
    for message_id in list(due.values_list("pk", flat=True)[:limit]):
        message = message_deliver(message_id=message_id, now=now)
        if message is not None and message.status == MessageStatus.SENT:
            sent += 1
    return sent


@transaction.atomic
def message_retry(*, message: OutboundMessage, now: datetime) -> OutboundMessage:
    """An agent sends a failed message again (after fixing the address, say)."""
    if message.status != MessageStatus.FAILED:
        return message
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = now
    message.transport = transport_for(message.channel)
    message.save(update_fields=["status", "attempts", "next_attempt_at", "transport"])
    from huifang.channels import tasks

    transaction.on_commit(lambda: tasks.deliver(message.pk))
    return message


__all__ = ["Transport", "message_deliver", "message_queue", "messages_deliver_due"]
