from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from huifang.accounts.models import User
from huifang.accounts.permissions import admin_required
from huifang.core.selectors import worker_status
from huifang.customers.selectors import archive_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    summary = archive_summary(user=request.user, today=timezone.localdate())
    return render(request, "core/home.html", {"summary": summary})


@admin_required
def system_status(request: HttpRequest) -> HttpResponse:
    status = worker_status(now=timezone.now(), stale_after=settings.HUIFANG_HEARTBEAT_STALE_AFTER)
    queue = settings.HUEY
    context = {
        "worker": status,
        "database_vendor": connection.vendor,
        "queue_backend": "Redis" if "Redis" in queue["huey_class"] else "SQLite",
        "now": timezone.now(),
    }
    return render(request, "core/system_status.html", context)
