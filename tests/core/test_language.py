from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import Org


def test_it_switches_to_english_and_back(org: Org) -> None:
    client = org.client_for(org.agent)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("core:home")).content.decode()
    assert "Hello, 王小燕" in page
    assert "Customers of my team" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "您好，王小燕" in client.get(reverse("core:home")).content.decode()


def test_a_french_browser_gets_the_chinese_default(client: Client) -> None:
    # Chinese first: a browser asking for French still gets Chinese.
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "售后回访管理系统" in page


def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client: Client) -> None:
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "售后回访管理系统" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert "After-sales follow-up management" in page
