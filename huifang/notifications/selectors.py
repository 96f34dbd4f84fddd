from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import caches
from django.db import transaction
from django.db.models import QuerySet

from huifang.accounts.models import User
from huifang.config import SHARED_CACHE
from huifang.notifications.models import Notification

# The navbar shows the unread count on every page; it is kept this long per user. Every
# write through this app (and any save or delete of a notification) forgets it at once,
# so a new notification shows on the next page; the seconds only bound how late a write
# that bypasses both (a queryset update elsewhere) can show.
UNREAD_SECONDS = 10


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: User) -> int:
    cache = caches[SHARED_CACHE]
    key = _unread_key(user.pk)
    count: int | None = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """Drop the kept counts now and again when the transaction commits.

    Now, so the writer's own next page is right even before the commit; after the
    commit, because another request may have counted (and kept) the old state between.
    """
    keys = [_unread_key(user_id) for user_id in set(user_ids)]
    if not keys:
        return
    cache = caches[SHARED_CACHE]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
