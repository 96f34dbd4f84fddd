from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import Org

ADMIN_PAGES = [
    reverse("accounts:user_list"),
    reverse("accounts:user_create"),
    reverse("accounts:team_list"),
    reverse("accounts:team_create"),
    reverse("accounts:department_list"),
    reverse("accounts:department_create"),
    reverse("core:system_status"),
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
@pytest.mark.parametrize("role", ["agent", "supervisor", "technician"])
def test_it_answers_403_to_non_administrators(org: Org, url: str, role: str) -> None:
    response = org.client_for(getattr(org, role)).get(url)
    assert response.status_code == 403
    assert "您无权访问此页面" in response.content.decode()


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_it_opens_administrator_pages_for_administrators(org: Org, url: str) -> None:
    assert org.client_for(org.admin).get(url).status_code == 200


def test_it_hides_administrator_links_from_agents(org: Org) -> None:
    page = org.client_for(org.agent).get(reverse("core:home")).content.decode()
    assert reverse("accounts:user_list") not in page
    admin_page = org.client_for(org.admin).get(reverse("core:home")).content.decode()
    assert reverse("accounts:user_list") in admin_page


def test_it_answers_403_to_an_agent_editing_a_user(org: Org) -> None:
    url = reverse("accounts:user_update", args=[org.agent.pk])
    response = org.client_for(org.agent).post(url, {"role": "admin"})
    assert response.status_code == 403
    org.agent.refresh_from_db()
    assert org.agent.role == "agent"
