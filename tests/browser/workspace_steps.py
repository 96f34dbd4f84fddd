"""Steps and a fixture the workspace browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.conftest import PASSWORD


def log_in(page: Page, live_server: object, username: str) -> None:
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
