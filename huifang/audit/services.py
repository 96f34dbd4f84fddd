"""Writes of the audit trail. Other apps call these inside their own transactions, so an
entry is stored exactly when the change it describes is."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from huifang.audit.models import AuditEntry
from huifang.core.bulk import insert_rows

Changes = dict[str, list[Any]]


def jsonable(value: Any) -> Any:
    """A value as it should read in the trail: dates as ISO text, money as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def _json_default(value: Any) -> Any:
    # json.dumps handles text, numbers, lists and dicts itself; only the rest comes here.
    return jsonable(value)


def changes_json(changes: Mapping[str, Any]) -> str:
    """``changes`` as the trail stores them: JSON text, Chinese kept readable."""
    return json.dumps(changes, ensure_ascii=False, default=_json_default)


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """``{field: [before, after]}`` for every field whose value differs."""
    result: Changes = {}
    for name in after:
        old, new = jsonable(before.get(name)), jsonable(after.get(name))
        if old != new:
            result[name] = [old, new]
    return result


def _actor_name(actor: Any) -> str:
    if actor is None:
        return ""
    return str(getattr(actor, "display_name", None) or actor)


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    """Record one change to ``target`` by ``actor`` (a user, or None for the system)."""
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=actor,
        actor_name=_actor_name(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_repr=str(target)[:200],
        changes=jsonable(changes or {}),
        note=note[:200],
    )


@dataclass(frozen=True)
class Change:
    """One change for :func:`audit_record_many`, when the target is known only by id."""

    action: str
    target_id: int
    target_repr: str
    changes: Mapping[str, Any] | str  # text: already made JSON by changes_json
    note: str = ""


@transaction.atomic
def audit_record_many(
    *,
    actor: Any,
    model: type[models.Model],
    changes: Iterable[Change],
    at: datetime | None = None,
) -> int:
    """Record many changes at once (imports, bulk reclassification) with one bulk insert."""
    at = at or timezone.now()
    type_id = ContentType.objects.get_for_model(model).pk
    actor_id = actor.pk if actor is not None else None
    name = _actor_name(actor)
    rows = (
        (
            at,
            actor_id,
            name,
            change.action,
            type_id,
            change.target_id,
            change.target_repr[:200],
            change.changes if isinstance(change.changes, str) else changes_json(change.changes),
            change.note[:200],
        )
        for change in changes
    )
    columns = [
        "at",
        "actor_id",
        "actor_name",
        "action",
        "target_type_id",
        "target_id",
        "target_repr",
        "changes",
        "note",
    ]
    return insert_rows(AuditEntry, columns, rows)
