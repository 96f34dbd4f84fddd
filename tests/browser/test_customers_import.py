"""An administrator imports a dirty file, reads the summary, downloads the error report
and finds an imported customer by the initials of her name."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import FilePayload, Page, expect

from tests.conftest import PASSWORD, Org

pytestmark = pytest.mark.browser


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["华东区客户名单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["客户姓名", "公司名称", "手机号码", "城市", "首次购买日期"])
    sheet.append(
        ["曾晓东", "杭州华盛机械制造有限公司", "１３８ ０００１ ２３４５", "杭州", date(2026, 3, 2)]
    )
    sheet.append(["欧阳娜娜", "宁波宏达物流有限公司", "+86 139-0001-2345", "宁波", "2026年5月6日"])
    sheet.append(["曾晓东", "杭州华盛机械制造有限公司", "13800012345", "", ""])
    sheet.append(["李四", "远航", "1390001234", "温州", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def log_in(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_administrator_imports_a_file_and_finds_a_customer_by_pinyin_initials(
    page: Page, live_server: object, org: Org
) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server}/customers/")
    page.get_by_role("link", name="导入", exact=True).click()
    upload: FilePayload = {
        "name": "华东客户.xlsx",
        "mimeType": "application/octet-stream",
        "buffer": workbook(),
    }
    page.get_by_label("Excel 或 CSV 文件").set_input_files(files=[upload])
    page.get_by_label("数据来源").fill("展会名单")
    page.get_by_role("button", name="上传并指定列").click()

    expect(page.get_by_role("heading", name="指定列对应关系")).to_be_visible()
    expect(page.get_by_label("手机号码")).to_have_value("phone")
    page.get_by_label("首次购买日期").select_option("")
    page.get_by_role("button", name="开始导入").click()

    expect(page.locator("#import-done")).to_have_text("导入完成：共 4 行。")
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#count-merged")).to_have_text("1")
    expect(page.locator("#count-rejected")).to_have_text("1")
    expect(page.locator("#import-issues")).to_contain_text(
        "“1390001234”是 10 位数字，大陆手机号应为 11 位。"
    )

    with page.expect_download() as caught:
        page.get_by_role("link", name="下载错误报告（Excel）").click()
    download = caught.value
    assert download.suggested_filename.endswith("-report.xlsx")
    report = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    problems = [list(row) for row in report["问题清单"].iter_rows(values_only=True)]
    assert problems[1][:2] == [6, "C 手机号码"]
    assert problems[1][3] == "“1390001234”是 10 位数字，大陆手机号应为 11 位。"

    page.goto(f"{live_server}/customers/")
    page.get_by_label("搜索", exact=True).fill("zxd")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#customer-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="曾晓东").click()
    expect(page.locator("#customer-name")).to_contain_text("曾晓东")
    expect(page.locator("#contacts")).to_contain_text("13800012345")
