"""Which column is which: headings in Chinese or English, merged, remembered per source."""

from __future__ import annotations

from pathlib import Path

from huifang.customers.imports.fields import suggest_mapping
from huifang.customers.models import Customer, ImportSource
from tests.conftest import Org
from tests.customers.builders import run_import, start, xlsx


def test_it_suggests_fields_for_chinese_and_english_headings() -> None:
    headings = [
        "Customer Name",
        "Company",
        "Mobile",
        "E-mail",
        "客户手机号*",
        "省份",
        "合同到期日（必填）",
        "备注",
    ]
    assert suggest_mapping(headings, {}) == {
        "0": "name",
        "1": "company",
        "2": "phone",
        "3": "email",
        "5": "region",
        "6": "contract_end_on",
    }


def test_it_remembers_the_mapping_of_a_source_for_its_next_file(org: Org) -> None:
    rows = [["联系人", "手机", "对接人"], ["王强", "13800000001", "agent"]]
    first = start(org.admin, xlsx(rows), source="ERP 导出")
    assert "2" not in first.mapping  # 对接人 is nobody's alias
    from huifang.customers.imports.services import import_job_map

    import_job_map(job=first, mapping={"0": "name", "1": "phone", "2": "owner"})
    assert ImportSource.objects.get(name="ERP 导出").mapping["对接人"] == "owner"
    again = start(org.admin, xlsx(rows), source="ERP 导出")
    assert again.mapping == {"0": "name", "1": "phone", "2": "owner"}
    elsewhere = start(org.admin, xlsx(rows), source="展会名单")
    assert "2" not in elsewhere.mapping


def test_a_company_merged_down_over_several_rows_belongs_to_each_of_them(org: Org) -> None:
    rows = [
        ["公司", "姓名", "手机"],
        ["华盛公司", "王强", "13800000001"],
        [None, "李四", "13900000002"],
        [None, "赵五", "13700000003"],
    ]
    run_import(org.admin, xlsx(rows, merges=["A2:A4"]))
    assert set(Customer.objects.values_list("name", "company")) == {
        ("王强", "华盛公司"),
        ("李四", "华盛公司"),
        ("赵五", "华盛公司"),
    }


def test_it_reads_the_sheet_that_holds_the_customers_not_the_instructions(org: Org) -> None:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "填写说明"
    notes.append(["请在“客户”表中填写，每行一位客户。"])
    customers = workbook.create_sheet("客户")
    customers.append(["姓名", "手机"])
    customers.append(["王强", "13800000001"])
    out = io.BytesIO()
    workbook.save(out)
    job = run_import(org.admin, out.getvalue())
    assert job.headers == ["姓名", "手机"]
    assert Customer.objects.get().name == "王强"


def test_it_keeps_excel_row_numbers_when_the_table_starts_lower_down(org: Org) -> None:
    rows = [[], [], ["", "姓名", "手机"], ["", "王强", "123"]]
    job = run_import(org.admin, xlsx(rows))
    assert job.header_row == 3
    assert job.issues.get().row == 4
    assert job.issues.get().column == "C 手机"


def test_a_workbook_replaced_at_the_same_path_is_read_afresh(tmp_path: Path) -> None:
    from huifang.customers.imports.reader import read_table

    path = tmp_path / "客户.xlsx"
    path.write_bytes(xlsx([["客户姓名", "手机"], ["王强", "13800000001"]]))
    assert read_table(path, path.name).headings == ["客户姓名", "手机"]
    assert read_table(path, path.name).rows[0][1][:1] == ["王强"]  # the same, remembered
    path.write_bytes(xlsx([["公司名称", "联系人", "邮箱"], ["华光", "李娜", "li@example.cn"]]))
    table = read_table(path, path.name)
    assert table.headings == ["公司名称", "联系人", "邮箱"]
    assert table.rows[0][1][:2] == ["华光", "李娜"]
