from __future__ import annotations

from django.urls import reverse

from huifang.accounts.models import Department, Team, User
from tests.conftest import Org


def new_user_form(org: Org, **changes: object) -> dict[str, object]:
    form = {
        "username": "agent9",
        "full_name": "李娜",
        "email": "lina@example.cn",
        "role": "agent",
        "team": org.east.pk,
        "department": "",
        "is_active": "on",
        "password1": "Long-enough-2026",
        "password2": "Long-enough-2026",
    }
    form.update(changes)
    return form


class TestCreateUser:
    def test_it_creates_an_agent_who_can_log_in(self, org: Org) -> None:
        response = org.client_for(org.admin).post(
            reverse("accounts:user_create"), new_user_form(org)
        )
        assert response.status_code == 302
        user = User.objects.get(username="agent9")
        assert (user.role, user.team, user.full_name) == ("agent", org.east, "李娜")
        assert user.check_password("Long-enough-2026")
        assert not user.is_staff

    def test_it_rejects_an_agent_without_a_team_in_chinese(self, org: Org) -> None:
        response = org.client_for(org.admin).post(
            reverse("accounts:user_create"), new_user_form(org, team="")
        )
        assert response.status_code == 200
        assert "回访专员必须属于一个团队。" in response.content.decode()
        assert not User.objects.filter(username="agent9").exists()

    def test_it_rejects_mismatched_and_weak_passwords(self, org: Org) -> None:
        client = org.client_for(org.admin)
        page = client.post(
            reverse("accounts:user_create"), new_user_form(org, password2="Other-2026-x")
        ).content.decode()
        assert "两次输入的密码不一致。" in page
        page = client.post(
            reverse("accounts:user_create"), new_user_form(org, password1="123", password2="123")
        ).content.decode()
        assert "密码长度太短" in page
        assert not User.objects.filter(username="agent9").exists()

    def test_it_rejects_a_taken_username(self, org: Org) -> None:
        page = (
            org.client_for(org.admin)
            .post(reverse("accounts:user_create"), new_user_form(org, username="agent"))
            .content.decode()
        )
        assert "已存在" in page
        assert User.objects.filter(username="agent").count() == 1


class TestEditUser:
    def test_it_moves_an_agent_to_another_team_and_disables_them(self, org: Org) -> None:
        url = reverse("accounts:user_update", args=[org.agent.pk])
        response = org.client_for(org.admin).post(
            url,
            {"full_name": "王小燕", "email": "", "role": "agent", "team": org.south.pk},
        )
        assert response.status_code == 302
        org.agent.refresh_from_db()
        assert org.agent.team == org.south
        assert not org.agent.is_active

    def test_promoting_to_administrator_opens_the_django_admin(self, org: Org) -> None:
        url = reverse("accounts:user_update", args=[org.agent.pk])
        org.client_for(org.admin).post(
            url, {"full_name": "王小燕", "role": "admin", "team": org.east.pk, "is_active": "on"}
        )
        org.agent.refresh_from_db()
        assert org.agent.is_staff

    def test_it_resets_a_password(self, org: Org) -> None:
        url = reverse("accounts:user_reset_password", args=[org.agent.pk])
        org.client_for(org.admin).post(
            url, {"new_password1": "Fresh-pass-2026", "new_password2": "Fresh-pass-2026"}
        )
        org.agent.refresh_from_db()
        assert org.agent.check_password("Fresh-pass-2026")


class TestTeamsAndDepartments:
    def test_it_creates_a_team_with_a_supervisor(self, org: Org) -> None:
        org.client_for(org.admin).post(
            reverse("accounts:team_create"), {"name": "华北回访组", "supervisor": org.supervisor.pk}
        )
        assert Team.objects.get(name="华北回访组").supervisor == org.supervisor

    def test_it_refuses_an_agent_as_team_supervisor(self, org: Org) -> None:
        response = org.client_for(org.admin).post(
            reverse("accounts:team_create"), {"name": "华北回访组", "supervisor": org.agent.pk}
        )
        assert response.status_code == 200
        assert "选择一个有效的选项" in response.content.decode()
        assert not Team.objects.filter(name="华北回访组").exists()

    def test_it_creates_a_department_and_rejects_a_bad_code(self, org: Org) -> None:
        client = org.client_for(org.admin)
        page = client.post(
            reverse("accounts:department_create"), {"name": "产品部", "code": "产品 部"}
        ).content.decode()
        assert "有效" in page
        client.post(reverse("accounts:department_create"), {"name": "产品部", "code": "product"})
        assert Department.objects.get(code="product").name == "产品部"

    def test_it_lists_teams_with_member_counts(self, org: Org) -> None:
        page = org.client_for(org.admin).get(reverse("accounts:team_list")).content.decode()
        assert "华东回访组" in page and "华南回访组" in page
