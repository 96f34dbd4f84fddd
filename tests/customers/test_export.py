"""Export of any filtered list to .xlsx; numbers masked unless a role may take them (P1)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huifang.audit.models import AuditEntry
from huifang.customers import exports
from huifang.customers.models import Customer
from huifang.customers.services import ContactData, customer_create
from tests.conftest import Org


def add(org: Org, name: str, phone: str, owner: Any, **fields: Any) -> Customer:
    return customer_create(
        actor=org.admin,
        name=name,
        owner=owner,
        contacts=[ContactData(name=name, phone=phone, is_primary=True)],
        **fields,
    )


@pytest.fixture
def archive(org: Org) -> None:
    add(org, "王强", "+8613800012345", org.agent, company="华盛公司", tags=["经销商"])
    add(org, "王五", "+8613900012345", org.agent, company="恒信")
    add(org, "王南", "+8613700012345", org.other_agent, company="远航")


def rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(table: list[list[Any]], heading: str) -> list[Any]:
    index = table[0].index(heading)
    return [row[index] for row in table[1:]]


def test_it_exports_the_filtered_list_with_masked_numbers(org: Org, archive: None) -> None:
    response = org.client_for(org.supervisor).get(reverse("customers:export"), {"q": "华盛"})
    table = rows(response)
    assert column(table, "客户姓名") == ["王强"]
    assert column(table, "手机/电话") == ["138****2345"]
    assert column(table, "标签") == ["经销商"]


def test_an_agent_exports_only_their_teams_customers(org: Org, archive: None) -> None:
    table = rows(org.client_for(org.agent).get(reverse("customers:export"), {"q": "王"}))
    assert sorted(column(table, "客户姓名")) == ["王五", "王强"]


def test_full_numbers_leave_only_with_a_role_allowed_and_on_record(org: Org, archive: None) -> None:
    asked = {"q": "华盛", "full_phones": "1"}
    supervisor = rows(org.client_for(org.supervisor).get(reverse("customers:export"), asked))
    assert column(supervisor, "手机/电话") == ["138****2345"]
    assert not AuditEntry.objects.filter(action="export").exists()
    admin = rows(org.client_for(org.admin).get(reverse("customers:export"), asked))
    assert column(admin, "手机/电话") == ["13800012345"]
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.note, entry.changes) == (
        org.admin,
        "导出完整号码",
        {"customers": [None, 1]},
    )


def test_a_long_list_is_written_in_batches_without_losing_anyone(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(7):
        add(org, f"客户{i}", f"+861380000000{i}", org.agent)
    monkeypatch.setattr(exports, "CHUNK", 3)
    table = rows(org.client_for(org.admin).get(reverse("customers:export")))
    assert column(table, "编号") == list(
        Customer.objects.order_by("-id").values_list("id", flat=True)
    )


def test_only_roles_allowed_are_offered_the_full_numbers(org: Org, archive: None) -> None:
    admin_page = org.client_for(org.admin).get(reverse("customers:list")).content.decode()
    assert 'id="export-full-link"' in admin_page
    supervisor_page = org.client_for(org.supervisor).get(reverse("customers:list")).content.decode()
    assert 'id="export-full-link"' not in supervisor_page
