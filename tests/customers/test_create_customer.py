from __future__ import annotations

from typing import Any

from django.urls import reverse

from huifang.audit.selectors import entries_for
from huifang.customers.models import Contact, Customer
from tests.conftest import Org


def create(org: Org, user_name: str = "supervisor", **fields: Any) -> Any:
    form = {"name": "王强", "company": "杭州华盛机械制造有限公司", "phone": "", **fields}
    client = org.client_for(getattr(org, user_name))
    return client.post(reverse("customers:create"), form)


def errors(response: Any) -> list[str]:
    form = response.context["form"]
    return [str(e) for errs in form.errors.values() for e in errs]


def test_it_creates_a_customer_with_a_normalised_phone_tags_and_search_keys(org: Org) -> None:
    response = create(
        org,
        phone="１３８ ０００１ ２３４５",
        email="WQ@HS.CN",
        tags="经销商，华东大客户、经销商",
        owner=org.agent.pk,
    )
    customer = Customer.objects.get()
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert (customer.team, customer.owner) == (org.east, org.agent)
    assert (customer.name_initials, customer.company_key) == ("wq", "华盛机械制造有限公司")
    assert sorted(customer.tags.values_list("name", flat=True)) == ["华东大客户", "经销商"]
    contact = customer.contacts.get()
    assert (contact.phone, contact.phone_last4, contact.email) == (
        "+8613800012345",
        "2345",
        "wq@hs.cn",
    )


def test_it_records_who_created_the_customer(org: Org) -> None:
    create(org, phone="13800012345")
    entry = entries_for(Customer.objects.get()).get()
    assert (entry.actor, entry.action) == (org.supervisor, "create")
    assert entry.changes["name"] == [None, "王强"]
    assert entry.changes["contacts"] == [[], ["王强 138****2345"]]


def test_an_agents_customer_always_joins_the_agents_team(org: Org) -> None:
    create(org, "agent", team=org.south.pk)
    assert Customer.objects.get().team == org.east


def test_it_explains_in_chinese_what_to_fix(org: Org) -> None:
    response = create(
        org, name="", phone="1380001234", email="wq@", tags="这个标签实在是太长了" * 4
    )
    assert sorted(errors(response)) == sorted(
        [
            "请填写客户姓名。",
            "“1380001234”是 10 位数字，大陆手机号应为 11 位。",
            "请填写有效的邮箱地址，例如 name@example.cn。",
            f"标签“{'这个标签实在是太长了' * 4}”太长，每个标签最多 30 个字。",
        ]
    )
    assert not Customer.objects.exists()


def test_it_refuses_a_second_record_of_the_same_customer(org: Org) -> None:
    create(org, phone="13800012345")
    first = Customer.objects.get()
    again = create(org, name="王强", phone="")
    assert errors(again) == [
        "杭州华盛机械制造有限公司 已有名为 王强 的客户，请打开该客户，不要重复建档。"
    ]
    same_phone = create(org, name="李四", company="", phone="138-0001-2345")
    assert errors(same_phone) == [
        f"号码 138****2345 已登记在客户 王强（杭州华盛机械制造有限公司）（编号 {first.pk}）名下。"
    ]
    assert Customer.objects.count() == 1 and Contact.objects.count() == 1


def test_it_does_not_reveal_another_teams_customer_behind_a_phone(org: Org) -> None:
    create(org, phone="13800012345", owner=org.other_agent.pk, team=org.south.pk)
    response = create(org, "agent", name="李四", company="", phone="13800012345")
    assert errors(response) == ["号码 138****2345 已登记在其他团队的客户名下。"]


def test_the_owner_must_belong_to_the_team(org: Org) -> None:
    response = create(org, owner=org.other_agent.pk, team=org.east.pk)
    assert errors(response) == ["黄嘉怡 不属于华东回访组，请选择该团队的成员作为负责人。"]
