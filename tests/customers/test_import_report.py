"""The downloadable error report names row, column and reason, in Chinese."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from huifang.customers.models import Customer
from tests.conftest import Org
from tests.customers.builders import run_import, xlsx

ROWS = [
    ["姓名", "公司", "手机"],
    ["王强", "华盛公司", "13800000001"],
    ["李四", "恒信", "1390000000"],
    ["", "恒信", "13700000003"],
    ["王强", "华盛公司", "13800000001"],
]


def download(org: Org, job_id: int) -> dict[str, list[list[Any]]]:
    response = org.client_for(org.admin).get(reverse("customers:import_report", args=[job_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(response.content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def test_it_lists_row_column_value_reason_and_outcome(org: Org) -> None:
    job = run_import(org.admin, xlsx(ROWS), policy="skip")
    sheets = download(org, job.pk)
    assert sheets["问题清单"] == [
        ["行号", "列", "内容", "原因", "处理结果"],
        [3, "C 手机", "1390000000", "“1390000000”是 10 位数字，大陆手机号应为 11 位。", "未导入"],
        [4, "A 姓名", None, "缺少客户姓名，每位客户都必须有姓名。", "未导入"],
        [5, None, "王强", "与第 2 行是同一客户，已按您的选择跳过。", "已跳过（重复）"],
    ]


def test_it_hands_back_the_rejected_rows_ready_to_fix_and_import_again(org: Org) -> None:
    job = run_import(org.admin, xlsx(ROWS))
    rows = download(org, job.pk)["待修正的行"]
    assert rows[0] == ["行号", "姓名", "公司", "手机", "原因"]
    assert [row[:4] for row in rows[1:]] == [
        [3, "李四", "恒信", "1390000000"],
        [4, None, "恒信", "13700000003"],
    ]
    fixed = [rows[0][1:4], ["李四", "恒信", "13900000002"], ["赵五", "恒信", "13700000003"]]
    again = run_import(org.admin, xlsx(fixed))
    assert again.created_count == 2
    assert Customer.objects.count() == 3


def test_only_importers_may_download_it(org: Org) -> None:
    job = run_import(org.admin, xlsx(ROWS))
    url = reverse("customers:import_report", args=[job.pk])
    assert org.client_for(org.agent).get(url).status_code == 403
    assert org.client_for(org.technician).get(url).status_code == 403
    assert org.client_for(org.supervisor).get(url).status_code == 200
