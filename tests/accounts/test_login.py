from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, Org

LOGIN = reverse("accounts:login")


def login(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


class TestLogin:
    def test_it_shows_the_login_page_in_chinese_by_default(self, client: Client) -> None:
        page = client.get(LOGIN).content.decode()
        assert "<title>登录 · 回访</title>" in page
        assert "售后回访管理系统" in page

    def test_it_sends_anonymous_visitors_to_the_login_page(self, client: Client) -> None:
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)

    def test_it_logs_an_agent_in_to_the_chinese_home_page(self, client: Client, org: Org) -> None:
        response = login(client, "agent", PASSWORD)
        assert response.status_code == 302
        page = client.get(reverse("core:home")).content.decode()
        assert "您好，王小燕" in page
        assert "本团队客户" in page

    def test_it_rejects_a_wrong_password_with_a_chinese_message(
        self, client: Client, org: Org
    ) -> None:
        page = login(client, "agent", "wrong").content.decode()
        assert "请输入一个正确的 用户名 和密码" in page or "用户名和密码" in page
        assert "_auth_user_id" not in client.session

    def test_it_stores_passwords_with_argon2(self, org: Org) -> None:
        assert org.agent.password.startswith("argon2$")

    def test_it_logs_out_on_post(self, client: Client, org: Org) -> None:
        login(client, "agent", PASSWORD)
        client.post(reverse("accounts:logout"))
        assert client.get(reverse("core:home")).status_code == 302


class TestLockout:
    def test_it_locks_the_account_after_five_wrong_passwords(
        self, client: Client, org: Org
    ) -> None:
        for _ in range(4):
            assert login(client, "agent", "wrong").status_code == 200
        locked = login(client, "agent", "wrong")
        assert locked.status_code == 429
        page = locked.content.decode()
        assert "账户已被临时锁定" in page
        assert "密码已连续输错 5 次" in page
        assert "请 15 分钟后再试" in page

    def test_it_refuses_even_the_right_password_while_locked(
        self, client: Client, org: Org
    ) -> None:
        for _ in range(5):
            login(client, "agent", "wrong")
        response = login(client, "agent", PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_it_leaves_other_accounts_alone(self, client: Client, org: Org) -> None:
        for _ in range(5):
            login(client, "agent", "wrong")
        assert login(client, "agent3", PASSWORD).status_code == 302

    def test_a_success_resets_the_count(self, client: Client, org: Org) -> None:
        for _ in range(4):
            login(client, "agent", "wrong")
        assert login(client, "agent", PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))
        for _ in range(4):
            assert login(client, "agent", "wrong").status_code == 200
