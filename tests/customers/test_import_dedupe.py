"""Duplicates (C7): the same normalised phone, or the same company and name."""

from __future__ import annotations

from typing import Any

from huifang.customers.models import Contact, Customer, IssueOutcome, Product, Purchase
from huifang.customers.services import ContactData, customer_create
from tests.conftest import Org
from tests.customers.builders import issues_by_row, reasons, run_import, xlsx

HEAD = ["姓名", "公司", "手机", "邮箱", "标签", "城市"]


def on_file(org: Org, **fields: Any) -> Customer:
    phone = fields.pop("phone", "+8613800000001")
    return customer_create(
        actor=org.admin,
        name=fields.pop("name", "王强"),
        company=fields.pop("company", "华盛公司"),
        contacts=[ContactData(name="王强", phone=phone, is_primary=True)],
        **fields,
    )


def test_it_merges_rows_of_the_file_that_share_a_phone_however_written(org: Org) -> None:
    rows = [
        HEAD,
        ["王强", "华盛公司", "13800000001", "", "经销商", ""],
        ["王强", "", "+86 138 0000 0001", "wq@hs.cn", "重点", "杭州"],
    ]
    job = run_import(org.admin, xlsx(rows))
    assert (job.created_count, job.merged_count) == (1, 1)
    customer = Customer.objects.get()
    assert customer.city == "杭州"
    assert sorted(customer.tags.values_list("name", flat=True)) == ["经销商", "重点"]
    assert list(customer.contacts.values_list("email", flat=True)) == ["wq@hs.cn"]


def test_it_joins_rows_linked_through_a_third_one(org: Org) -> None:
    rows = [
        HEAD,
        ["王强", "华盛公司", "13800000001", "", "", ""],
        ["王强", "华盛公司", "13900000002", "", "", ""],  # same company + name as row 2
        ["王总", "", "13900000002", "", "", ""],  # same phone as row 3
    ]
    job = run_import(org.admin, xlsx(rows))
    assert (job.created_count, job.merged_count) == (1, 2)
    assert Customer.objects.count() == 1
    assert Contact.objects.count() == 2


def test_it_notes_which_value_it_kept_when_rows_of_one_customer_disagree(org: Org) -> None:
    rows = [
        HEAD,
        ["王强", "华盛公司", "13800000001", "", "", "杭州"],
        ["王强", "", "13800000001", "", "", "宁波"],
    ]
    job = run_import(org.admin, xlsx(rows))
    assert Customer.objects.get().city == "杭州"
    assert reasons(job, 3) == "F 城市: 与第 2 行是同一客户，该行填的是“杭州”，已保留该值。"
    assert issues_by_row(job)[3][0].outcome == IssueOutcome.NOTE


def test_it_merges_into_a_customer_on_file_filling_blanks_and_adding_what_is_new(org: Org) -> None:
    customer = on_file(org, city="")
    rows = [
        HEAD,
        ["王强", "华盛公司", "138 0000 0001", "wq@hs.cn", "老客户", "杭州"],
        ["王强", "华盛公司", "13700000003", "", "", ""],
    ]
    job = run_import(org.admin, xlsx(rows))
    assert (job.created_count, job.updated_count, job.merged_count) == (0, 1, 1)
    customer.refresh_from_db()
    assert customer.city == "杭州"
    assert list(customer.tags.values_list("name", flat=True)) == ["老客户"]
    assert set(customer.contacts.values_list("phone", "email")) == {
        ("+8613800000001", "wq@hs.cn"),
        ("+8613700000003", ""),
    }
    assert Customer.objects.count() == 1


def test_it_keeps_what_is_on_file_when_the_file_says_otherwise(org: Org) -> None:
    customer = on_file(org, city="苏州")
    rows = [HEAD, ["王强", "华盛公司", "13800000001", "", "", "杭州"]]
    job = run_import(org.admin, xlsx(rows))
    customer.refresh_from_db()
    assert customer.city == "苏州"
    assert job.unchanged_count == 1
    assert f"客户（编号 {customer.pk}）在系统中为“苏州”，已保留系统中的值。" in reasons(job, 2)


def test_it_recognises_a_customer_on_file_by_company_and_name(org: Org) -> None:
    customer = on_file(org)
    rows = [HEAD, ["王强", "华盛公司", "13900000009", "", "", ""]]
    run_import(org.admin, xlsx(rows))
    assert Customer.objects.count() == 1
    assert customer.contacts.filter(phone="+8613900000009").exists()


def test_it_skips_duplicates_when_asked_and_lists_them(org: Org) -> None:
    customer = on_file(org, city="苏州")
    rows = [
        HEAD,
        ["王强", "华盛公司", "13800000001", "new@hs.cn", "新标签", "杭州"],
        ["李四", "恒信", "13900000002", "", "", ""],
        ["李四", "恒信", "13900000003", "", "", ""],
    ]
    job = run_import(org.admin, xlsx(rows), policy="skip")
    assert (job.created_count, job.skipped_count) == (1, 2)
    assert reasons(job, 2) == f": 与已有客户（编号 {customer.pk}）重复，已按您的选择跳过。"
    assert reasons(job, 4) == ": 与第 3 行是同一客户，已按您的选择跳过。"
    customer.refresh_from_db()
    assert customer.city == "苏州" and not customer.tags.exists()
    assert not Contact.objects.filter(phone="+8613900000003").exists()


def test_it_refuses_a_row_that_matches_two_customers_on_file(org: Org) -> None:
    first = on_file(org, name="王强", company="华盛公司", phone="+8613800000001")
    second = on_file(org, name="李四", company="恒信", phone="+8613900000002")
    rows = [HEAD, ["李四", "恒信", "13800000001", "", "", ""]]
    job = run_import(org.admin, xlsx(rows))
    assert job.rejected_count == 1
    assert f"与多位已有客户重复（编号 {first.pk}、{second.pk}）" in reasons(job, 2)
    assert Contact.objects.count() == 2


def test_it_refuses_an_order_number_that_belongs_to_another_customer(
    org: Org, products: dict[str, Product]
) -> None:
    head = ["姓名", "手机", "订单号", "产品", "购买日期"]
    run_import(org.admin, xlsx([head, ["王强", "13800000001", "SO-1", "HV-001", "2026-11-01"]]))
    job = run_import(
        org.admin, xlsx([head, ["李四", "13900000002", "SO-1", "HV-001", "2026-11-01"]])
    )
    assert reasons(job, 2).startswith("C 订单号: 订单号 SO-1 已属于客户")
    assert not Customer.objects.filter(name="李四").exists()
    assert Purchase.objects.get().customer.name == "王强"


def test_a_later_file_completes_an_order_with_its_delivery_date(
    org: Org, products: dict[str, Product]
) -> None:
    head = ["姓名", "手机", "订单号", "产品", "购买日期", "交付日期"]
    run_import(org.admin, xlsx([head, ["王强", "13800000001", "SO-1", "HV-001", "2026-11-01", ""]]))
    job = run_import(
        org.admin,
        xlsx([head, ["王强", "13800000001", "SO-1", "HV-001", "2026-11-01", "2026-11-04"]]),
    )
    assert job.updated_count == 1
    assert str(Purchase.objects.get().delivered_on) == "2026-11-04"
