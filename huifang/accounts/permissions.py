"""Role checks for views: every view states who may open it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from huifang.accounts.models import Role, User

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    """Anonymous users go to the login page; users without one of `roles` get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not isinstance(user, User) or not user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


admin_required = role_required(Role.ADMIN)


class RoleRequiredMixin(LoginRequiredMixin):
    allowed_roles: tuple[str, ...] = (Role.ADMIN,)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        if user.is_authenticated and not (
            isinstance(user, User) and user.has_role(*self.allowed_roles)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
