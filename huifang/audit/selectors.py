"""Reads of the audit trail."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from huifang.audit.models import AuditEntry


def entries_for(target: models.Model) -> QuerySet[AuditEntry]:
    """Every entry about ``target``, newest first."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor", "target_type")


def entry_page(
    *,
    target_type: ContentType | None = None,
    target_id: int | None = None,
    action: str = "",
    before: int | None = None,
    size: int = 50,
) -> tuple[list[AuditEntry], int | None]:
    """One page of the trail, newest first, and the id to continue before (keyset, so the
    hundredth page costs what the first does on a table of millions)."""
    entries = AuditEntry.objects.select_related("actor", "target_type")
    if target_type is not None:
        entries = entries.filter(target_type=target_type)
        if target_id is not None:
            entries = entries.filter(target_id=target_id)
    if action:
        entries = entries.filter(action=action)
    if before is not None:
        entries = entries.filter(id__lt=before)
    rows = list(entries.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more else None)
