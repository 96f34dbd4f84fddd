from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from huifang.accounts.permissions import admin_required
from huifang.audit.models import Action, AuditEntry
from huifang.audit.selectors import entry_page


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _audited_types() -> list[ContentType]:
    # One index probe per type instead of a DISTINCT over a table of millions.
    return [
        content_type
        for content_type in ContentType.objects.order_by("app_label", "model")
        if AuditEntry.objects.filter(target_type=content_type).exists()
    ]


@admin_required
def entry_list(request: HttpRequest) -> HttpResponse:
    types = _audited_types()
    by_key = {f"{t.app_label}.{t.model}": t for t in types}
    type_key = request.GET.get("type", "")
    action = request.GET.get("action", "")
    target_type = by_key.get(type_key)
    target_id = _int(request.GET.get("id"))
    entries, next_before = entry_page(
        target_type=target_type,
        target_id=target_id,
        action=action if action in Action.values else "",
        before=_int(request.GET.get("before")),
    )
    context = {
        "entries": entries,
        "next_before": next_before,
        "types": by_key,
        "type_key": type_key if target_type else "",
        "target_id": target_id if target_type else None,
        "actions": Action.choices,
        "action": action,
    }
    return render(request, "audit/entry_list.html", context)
