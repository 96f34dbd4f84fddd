"""The navigation's addresses are reversed once per process, yet follow where the site is."""

from __future__ import annotations

import re

from django.urls import reverse, set_script_prefix

from huifang.core.context_processors import fixed_url
from tests.conftest import Org


def links(page: str) -> list[str]:
    nav = page.split('<nav class="navbar', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'(?:href|action)="(/[^"]*)"', nav)


def test_the_bar_links_to_each_page_of_the_role_and_marks_the_current_one(org: Org) -> None:
    page = org.client_for(org.agent).get(reverse("workspace:queue")).content.decode()
    assert links(page) == [
        "/",
        "/",
        "/workspace/",
        "/customers/",
        reverse("tickets:mine"),
        "/notifications/",
        "/i18n/setlang/",
        reverse("accounts:password_change"),
        reverse("accounts:logout"),
    ]
    assert 'class="nav-link active" href="/workspace/"' in page


def test_a_site_mounted_below_a_prefix_links_below_it() -> None:
    assert fixed_url("workspace:queue") == "/workspace/"
    set_script_prefix("/huifang/")
    try:
        assert fixed_url("workspace:queue") == "/huifang/workspace/"
    finally:
        set_script_prefix("/")
    assert fixed_url("workspace:queue") == "/workspace/"
