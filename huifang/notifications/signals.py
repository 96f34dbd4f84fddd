"""Keep the navbar's unread count honest whatever writes a notification."""

from __future__ import annotations

from typing import Any

from huifang.notifications.models import Notification
from huifang.notifications.selectors import forget_unread_counts


def notification_changed(sender: type[Notification], instance: Notification, **_: Any) -> None:
    """A notification saved or deleted one at a time (admin, fixtures, cascades)."""
    forget_unread_counts([instance.recipient_id])


def user_logged_in(sender: type[Any], request: Any, user: Any, **_: Any) -> None:
    """A fresh login starts with a fresh count."""
    forget_unread_counts([user.pk])
