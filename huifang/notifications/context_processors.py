from __future__ import annotations

from django.http import HttpRequest

from huifang.accounts.models import User
from huifang.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {"unread_notification_count": unread_count(user)}
