from __future__ import annotations

from django.urls import reverse

from tests.conftest import PASSWORD, Org


def test_an_agent_changes_their_own_password(org: Org) -> None:
    client = org.client_for(org.agent)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "New-pass-2026!",
            "new_password2": "New-pass-2026!",
        },
    )
    assert response.status_code == 302
    org.agent.refresh_from_db()
    assert org.agent.check_password("New-pass-2026!")
    assert "密码已修改" in client.get(reverse("core:home")).content.decode()


def test_it_refuses_a_wrong_old_password(org: Org) -> None:
    page = (
        org.client_for(org.agent)
        .post(
            reverse("accounts:password_change"),
            {
                "old_password": "nope",
                "new_password1": "New-pass-2026!",
                "new_password2": "New-pass-2026!",
            },
        )
        .content.decode()
    )
    assert "旧密码不正确" in page
    org.agent.refresh_from_db()
    assert org.agent.check_password(PASSWORD)
