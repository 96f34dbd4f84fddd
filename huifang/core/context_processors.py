from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huifang.accounts.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ALL_ROLES = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN)

NAVIGATION = (
    NavItem(_("Home"), "core:home", ALL_ROLES),
    NavItem(_("Customers"), "customers:list", ALL_ROLES),
    NavItem(_("Users"), "accounts:user_list", (Role.ADMIN,)),
    NavItem(_("Teams"), "accounts:team_list", (Role.ADMIN,)),
    NavItem(_("Departments"), "accounts:department_list", (Role.ADMIN,)),
    NavItem(_("System"), "core:system_status", (Role.ADMIN,)),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"nav_items": []}
    items = [item for item in NAVIGATION if user.has_role(*item.roles)]
    return {"nav_items": items}
