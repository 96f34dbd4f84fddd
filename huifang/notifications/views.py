from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huifang.accounts.models import User
from huifang.notifications import selectors, services


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    items = list(selectors.notifications_for(user)[:200])
    response = render(request, "notifications/list.html", {"notifications": items})
    # Opening the list reads them; acknowledging is a separate, deliberate step.
    services.notifications_mark_read(user=user)
    return response


@require_POST
@login_required
def notification_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(selectors.notifications_for(_user(request)), pk=pk)
    if services.notification_acknowledge(notification=notification, user=_user(request)):
        messages.success(request, _("Acknowledged: %(title)s") % {"title": notification.title})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")
