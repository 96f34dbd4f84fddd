"""A realistic dirty workbook, checked row by row: what was imported, what was not, why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from huifang.customers.models import Contact, Customer, ImportJob, IssueOutcome, Product, Purchase
from tests.conftest import Org
from tests.customers.builders import issues_by_row, reasons, run_import, xlsx

# Row 1 is a title merged across the sheet; rows 2–3 are headings with merged cells
# (姓名/公司/… merged down, 联系方式 merged across 手机 and 邮箱). Data starts in row 4.
HEADINGS: list[list[Any]] = [
    ["2026 年第四季度客户名单（销售部导出）"],
    ["客户姓名", "公司名称", "联系方式", None, "产品编码", "购买日期", "订单金额", "交付日期"],
    [None, None, "手机", "邮箱", None, None, None, None],
]
MERGES = ["A1:H1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3", "G2:G3", "H2:H3"]
ROWS: list[list[Any]] = [
    # 4: clean row, date as a date cell
    [
        "王小燕",
        "杭州华盛机械制造有限公司",
        "13812345678",
        "wxy@hs.cn",
        "HV-001",
        date(2026, 11, 1),
        38000,
        date(2026, 11, 3),
    ],
    # 5: full-width digits and spaces, date as text with slashes, amount with ¥ and commas
    [
        "李　明",
        "宁波宏达物流有限公司",
        "１３９ １２３４ ５６７８",
        "",
        "MC-001",
        "2026/11/26",
        "¥1,280.00",
        "",
    ],
    # 6: +86 and dashes, Chinese date, amount in 万
    [
        "赵工",
        "苏州恒信商贸有限公司",
        "+86 137-1234-5678",
        "",
        "HV-001",
        "2026年11月20日",
        "3.8万",
        "",
    ],
    # 7: Excel serial number as the date (46352 = 2026-11-26), phone as a number cell
    ["孙丽", "温州瑞丰电子商务有限公司", 13612345678, "", "LF-001", 46352, 89, ""],
    # 8: the same phone as row 4 written differently: same customer, merged
    ["王小燕", "杭州华盛机械制造有限公司", "138-1234-5678", "", "LF-001", "2026-11-05", 178, ""],
    # 9: same company and name as row 5 with a second number: merged, a second contact
    ["李　明", "宁波宏达物流有限公司", "13512345678", "li@hd.cn", "", "", "", ""],
    # 10: ten digits
    ["钱七", "远航", "1381234567", "", "", "", "", ""],
    # 11: no name
    ["", "远航", "13312345678", "", "", "", "", ""],
    # 12: neither phone nor company
    ["周八", "", "", "zhou@example.cn", "", "", "", ""],
    # 13: a date that does not exist, and an unknown product
    ["吴九", "远航", "13212345678", "", "XX-404", "2026-02-30", "", ""],
    # 14: day/month order unclear, bad e-mail
    ["郑十", "远航", "13112345678", "zheng@", "HV-001", "11/26/2026", "", ""],
    # 15: delivered before it was bought
    ["冯一", "远航", "15012345678", "", "HV-001", "2026-11-20", "", "2026-11-01"],
    # 16: a mobile prefix that is not in use
    ["陈二", "远航", "12012345678", "", "", "", "", ""],
]


def import_dirty(org: Org) -> ImportJob:
    return run_import(org.admin, xlsx(HEADINGS + ROWS, merges=MERGES), "季度客户.xlsx")


def test_it_finds_the_headings_below_a_title_and_across_merged_cells(
    org: Org, products: dict[str, Product]
) -> None:
    job = import_dirty(org)
    assert job.header_row == 3
    assert job.headers[:4] == ["客户姓名", "公司名称", "联系方式/手机", "联系方式/邮箱"]
    assert job.mapping == {
        "0": "name",
        "1": "company",
        "2": "phone",
        "3": "email",
        "4": "product",
        "5": "purchased_on",
        "6": "amount",
        "7": "delivered_on",
    }


def test_it_reports_every_outcome_and_they_add_up_to_the_rows(
    org: Org, products: dict[str, Product]
) -> None:
    job = import_dirty(org)
    assert job.status == "done"
    assert job.counts() == {
        "created": 4,
        "updated": 0,
        "merged": 2,
        "unchanged": 0,
        "skipped": 0,
        "rejected": 7,
    }
    assert sum(job.counts().values()) == job.total_rows == len(ROWS)


def test_it_imports_the_good_rows_with_normalised_phones(
    org: Org, products: dict[str, Product]
) -> None:
    import_dirty(org)
    phones = dict(Contact.objects.values_list("phone", "customer__name"))
    assert phones == {
        "+8613812345678": "王小燕",
        "+8613912345678": "李　明",
        "+8613512345678": "李　明",
        "+8613712345678": "赵工",
        "+8613612345678": "孙丽",
    }
    assert Customer.objects.count() == 4


def test_it_reads_dates_written_every_way_and_excel_serials(
    org: Org, products: dict[str, Product]
) -> None:
    import_dirty(org)
    bought = {p.customer.name: p for p in Purchase.objects.select_related("customer")}
    assert bought["李　明"].purchased_on == date(2026, 11, 26)  # 2026/11/26
    assert bought["赵工"].purchased_on == date(2026, 11, 20)  # 2026年11月20日
    assert bought["孙丽"].purchased_on == date(2026, 11, 26)  # serial 46352
    wang = Purchase.objects.filter(customer__name="王小燕").order_by("purchased_on")
    assert [(p.purchased_on, p.delivered_on) for p in wang] == [
        (date(2026, 11, 1), date(2026, 11, 3)),
        (date(2026, 11, 5), None),
    ]


def test_it_reads_amounts_with_currency_signs_commas_and_wan(
    org: Org, products: dict[str, Product]
) -> None:
    import_dirty(org)
    amounts = dict(Purchase.objects.values_list("customer__name", "amount"))
    assert amounts["李　明"] == Decimal("1280.00")
    assert amounts["赵工"] == Decimal("38000.00")


def test_it_merges_rows_of_the_same_customer(org: Org, products: dict[str, Product]) -> None:
    import_dirty(org)
    wang = Customer.objects.get(name="王小燕")
    assert wang.purchases.count() == 2  # rows 4 and 8
    li = Customer.objects.get(name="李　明")
    contacts = list(li.contacts.order_by("id").values_list("phone", "email", "is_primary"))
    assert contacts == [("+8613912345678", "", True), ("+8613512345678", "li@hd.cn", False)]


def test_it_names_row_column_and_reason_of_every_rejected_row(
    org: Org, products: dict[str, Product]
) -> None:
    job = import_dirty(org)
    rejected = {
        row
        for row, issues in issues_by_row(job).items()
        if any(i.outcome == IssueOutcome.REJECTED for i in issues)
    }
    assert rejected == {10, 11, 12, 13, 14, 15, 16}
    assert reasons(job, 10) == "C 联系方式/手机: “1381234567”是 10 位数字，大陆手机号应为 11 位。"
    assert reasons(job, 11) == "A 客户姓名: 缺少客户姓名，每位客户都必须有姓名。"
    assert "请至少填写手机号或公司" in reasons(job, 12)
    assert "F 购买日期: “2026-02-30”不是有效日期" in reasons(job, 13)
    assert "E 产品编码: 产品目录中没有“XX-404”" in reasons(job, 13)
    assert "年月日顺序不明确" in reasons(job, 14)
    assert "D 联系方式/邮箱: “zheng@”不是有效的邮箱地址" in reasons(job, 14)
    assert reasons(job, 15) == "H 交付日期: 交付日期早于购买日期 2026-11-20。"
    assert reasons(job, 16) == "C 联系方式/手机: “12012345678”不是在用的大陆手机号，请检查前几位。"


def test_bad_rows_leave_no_trace_in_the_archive(org: Org, products: dict[str, Product]) -> None:
    import_dirty(org)
    names = set(Customer.objects.values_list("name", flat=True))
    assert names.isdisjoint({"钱七", "周八", "吴九", "郑十", "冯一", "陈二"})
