from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per worker process, touched by a periodic task to show it is alive."""

    worker = models.CharField(_("worker"), max_length=120, unique=True)
    started_at = models.DateTimeField(_("first beat"))
    beat_at = models.DateTimeField(_("last beat"))
    beats = models.PositiveBigIntegerField(_("beats"), default=0)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker

    def is_alive(self, now: datetime, stale_after: timedelta) -> bool:
        return now - self.beat_at <= stale_after
