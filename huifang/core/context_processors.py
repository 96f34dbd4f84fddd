from __future__ import annotations

import functools
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huifang.accounts.models import Role, User


def fixed_url(name: str) -> str:
    """reverse() of a URL without arguments, worked out once per process.

    The navigation asks for the same dozen addresses on every page; they depend only on
    the URL configuration and the script prefix (where the site is mounted), so those
    are the key.
    """
    return _fixed_url(name, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=256)
def _fixed_url(name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...]
    # Administration pages gather in one menu so the bar stays short.
    admin_menu: bool = False

    @property
    def url(self) -> str:
        return fixed_url(self.url_name)


ALL_ROLES = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN)
CALLERS = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
BUILDERS = (Role.SUPERVISOR, Role.ADMIN)

NAVIGATION = (
    NavItem(_("Home"), "core:home", ALL_ROLES),
    NavItem(_("Today's follow-ups"), "workspace:queue", CALLERS),
    NavItem(_("Customers"), "customers:list", ALL_ROLES),
    NavItem(_("My tickets"), "tickets:mine", ALL_ROLES),
    NavItem(_("Ticket queue"), "tickets:queue", (Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN)),
    NavItem(_("SLA board"), "tickets:board", (Role.SUPERVISOR, Role.ADMIN)),
    NavItem(_("Imports"), "customers:import_list", (Role.SUPERVISOR, Role.ADMIN)),
    NavItem(_("Users"), "accounts:user_list", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Teams"), "accounts:team_list", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Departments"), "accounts:department_list", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Rules"), "followups:rule_list", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Contact policy"), "followups:policy", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Feature releases"), "followups:releases", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Calendar"), "workdays:calendar", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Questionnaires and scripts"), "surveys:list", BUILDERS, admin_menu=True),
    NavItem(_("Ticket rules"), "tickets:rules", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Products"), "customers:product_list", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Archive settings"), "customers:settings", (Role.ADMIN,), admin_menu=True),
    NavItem(_("Audit trail"), "audit:list", (Role.ADMIN,), admin_menu=True),
    NavItem(_("System"), "core:system_status", (Role.ADMIN,), admin_menu=True),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"nav_items": []}
    items = [item for item in NAVIGATION if user.has_role(*item.roles)]
    return {
        "nav_items": [item for item in items if not item.admin_menu],
        "admin_nav_items": [item for item in items if item.admin_menu],
    }
