from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from huifang.accounts.models import User
from huifang.workdays.selectors import uncovered_years


def calendar_warning(request: HttpRequest) -> dict[str, object]:
    """Warn administrators ahead of time about a year without official holidays."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_administrator:
        return {}
    return {"calendar_uncovered_years": uncovered_years(timezone.localdate())}
