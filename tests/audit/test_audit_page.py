from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from huifang.audit.models import Action, AuditEntry
from huifang.audit.services import audit_record
from tests.conftest import Org


@pytest.mark.parametrize("role", ["agent", "supervisor", "technician"])
def test_it_answers_403_to_everybody_but_administrators(org: Org, role: str) -> None:
    response = org.client_for(getattr(org, role)).get(reverse("audit:list"))
    assert response.status_code == 403


def test_it_shows_administrators_who_changed_what(org: Org) -> None:
    audit_record(
        actor=org.supervisor, action=Action.UPDATE, target=org.east, changes={"name": ["甲", "乙"]}
    )
    page = org.client_for(org.admin).get(reverse("audit:list")).content.decode()
    assert "<td>周主管</td>" in page
    assert "<td>修改</td>" in page
    assert '<span class="text-secondary">名称</span>: 甲 → 乙' in page


def test_it_filters_by_object(org: Org) -> None:
    audit_record(actor=org.admin, action=Action.UPDATE, target=org.east)
    audit_record(actor=org.admin, action=Action.UPDATE, target=org.south)
    url = reverse("audit:list") + f"?type=accounts.team&id={org.south.pk}"
    page = org.client_for(org.admin).get(url).content.decode()
    assert "华南回访组" in page
    assert "华东回访组</div>" not in page


def test_it_pages_through_a_long_trail_without_losing_entries(org: Org) -> None:
    for _ in range(60):
        audit_record(actor=org.admin, action=Action.UPDATE, target=org.east)
    client = org.client_for(org.admin)
    first = client.get(reverse("audit:list"))
    assert len(first.context["entries"]) == 50
    second = client.get(reverse("audit:list") + f"?before={first.context['next_before']}")
    assert len(second.context["entries"]) == 10
    seen = {e.pk for e in first.context["entries"]} | {e.pk for e in second.context["entries"]}
    assert seen == set(AuditEntry.objects.values_list("pk", flat=True))


def test_nobody_can_edit_or_delete_an_entry_in_the_django_admin(org: Org) -> None:
    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/")
    request.user = org.admin
    entry = audit_record(actor=org.admin, action=Action.UPDATE, target=org.east)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
