"""Periodic jobs of the core app. Tasks are thin: they call a service."""

from __future__ import annotations

import os
import socket

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from huifang.core import services


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    services.heartbeat_record(worker=worker_name(), now=timezone.now())
