from __future__ import annotations

from typing import Any

from django.urls import reverse

from huifang.audit.selectors import entries_for
from huifang.customers.models import Customer
from huifang.customers.services import ContactData, customer_create
from tests.conftest import Org


def customer(org: Org) -> Customer:
    return customer_create(
        actor=org.admin,
        name="王强",
        company="华盛公司",
        owner=org.agent,
        tags=["经销商"],
        contacts=[ContactData(name="王强", phone="+8613800012345", is_primary=True)],
    )


def test_it_changes_profile_and_tags_and_records_what_changed(org: Org) -> None:
    wang = customer(org)
    form = {
        "name": "王强",
        "company": "杭州华盛机械制造有限公司",
        "city": "杭州",
        "tags": "重点",
        "owner": org.agent.pk,
    }
    response = org.client_for(org.agent).post(reverse("customers:edit", args=[wang.pk]), form)
    assert response.status_code == 302
    wang.refresh_from_db()
    assert (wang.city, wang.company_key) == ("杭州", "华盛机械制造有限公司")
    assert list(wang.tags.values_list("name", flat=True)) == ["重点"]
    change = entries_for(wang).filter(action="update").get()
    assert change.actor == org.agent
    assert change.changes == {
        "company": ["华盛公司", "杭州华盛机械制造有限公司"],
        "city": ["", "杭州"],
        "tags": [["经销商"], ["重点"]],
    }


def test_saving_without_changes_records_nothing(org: Org) -> None:
    wang = customer(org)
    form = {"name": "王强", "company": "华盛公司", "tags": "经销商", "owner": org.agent.pk}
    org.client_for(org.agent).post(reverse("customers:edit", args=[wang.pk]), form)
    assert entries_for(wang).filter(action="update").count() == 0


def contacts_form(rows: list[dict[str, Any]], initial: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contacts-TOTAL_FORMS": len(rows),
        "contacts-INITIAL_FORMS": initial,
        "contacts-MIN_NUM_FORMS": 0,
        "contacts-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"contacts-{index}-{key}"] = value
    return data


def test_it_adds_changes_and_removes_contacts(org: Org) -> None:
    wang = customer(org)
    first = wang.contacts.get()
    form = contacts_form(
        [
            {"id": first.pk, "name": "王强", "phone": "13800012345", "DELETE": "on"},
            {"name": "王太太", "phone": "139 0001 2345", "email": "w@hs.cn", "is_primary": "on"},
        ],
        initial=1,
    )
    org.client_for(org.agent).post(reverse("customers:contacts", args=[wang.pk]), form)
    assert list(wang.contacts.values_list("name", "phone", "is_primary")) == [
        ("王太太", "+8613900012345", True)
    ]
    change = entries_for(wang).filter(action="update").get()
    assert change.changes == {"contacts": [["王强 138****2345"], ["王太太 139****2345 w@hs.cn"]]}


def test_contacts_need_a_way_to_reach_them_and_a_number_of_their_own(org: Org) -> None:
    wang = customer(org)
    other = customer_create(
        actor=org.admin,
        name="李四",
        company="恒信",
        owner=org.agent,
        contacts=[ContactData(name="李四", phone="+8613700012345")],
    )
    form = contacts_form(
        [
            {"id": wang.contacts.get().pk, "name": "王强", "phone": "13800012345"},
            {"name": "前台"},
            {"name": "李四", "phone": "13700012345"},
        ],
        initial=1,
    )
    response = org.client_for(org.agent).post(reverse("customers:contacts", args=[wang.pk]), form)
    formset = response.context["formset"]
    assert formset.forms[1].non_field_errors() == ["请至少填写手机/电话、邮箱或微信号中的一项。"]
    assert formset.forms[2].errors["phone"] == [
        f"号码 137****2345 已登记在客户 李四（恒信）（编号 {other.pk}）名下。"
    ]
    assert wang.contacts.count() == 1
