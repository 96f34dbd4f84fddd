from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from huifang.core.models import WorkerHeartbeat


@dataclass(frozen=True)
class WorkerStatus:
    alive: bool
    last_beat_at: datetime | None
    workers: list[WorkerHeartbeat]


def worker_status(*, now: datetime, stale_after: timedelta) -> WorkerStatus:
    workers = list(WorkerHeartbeat.objects.all())
    alive = any(w.is_alive(now, stale_after) for w in workers)
    last = max((w.beat_at for w in workers), default=None)
    return WorkerStatus(alive=alive, last_beat_at=last, workers=workers)
