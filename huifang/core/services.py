from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F

from huifang.core.models import WorkerHeartbeat


@transaction.atomic
def heartbeat_record(*, worker: str, now: datetime) -> WorkerHeartbeat:
    updated = WorkerHeartbeat.objects.filter(worker=worker).update(
        beat_at=now, beats=F("beats") + 1
    )
    if not updated:
        WorkerHeartbeat.objects.create(worker=worker, started_at=now, beat_at=now, beats=1)
    return WorkerHeartbeat.objects.get(worker=worker)
