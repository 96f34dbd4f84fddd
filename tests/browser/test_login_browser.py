from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, Org

pytestmark = pytest.mark.browser


def test_an_agent_logs_in_and_sees_the_chinese_home_page(
    page: Page, live_server: object, org: Org
) -> None:
    page.goto(f"{live_server}/")
    expect(page).to_have_title("登录 · 回访")
    page.get_by_label("用户名").fill("agent")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="您好，王小燕")).to_be_visible()
    expect(page.get_by_text("本团队客户")).to_be_visible()
    expect(page.get_by_role("link", name="客户", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="用户", exact=True)).to_have_count(0)


def test_a_locked_out_agent_reads_why_in_chinese(page: Page, live_server: object, org: Org) -> None:
    for _ in range(5):
        page.goto(f"{live_server}/accounts/login/")
        page.get_by_label("用户名").fill("agent")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
    expect(page.locator("#lockout-message")).to_contain_text("请 15 分钟后再试")


def test_an_agent_switches_the_interface_to_english(
    page: Page, live_server: object, org: Org
) -> None:
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("用户名").fill("agent")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Hello, 王小燕")).to_be_visible()
