from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from huifang.accounts.models import User
from huifang.customers.selectors import customers_visible_to


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    customers = customers_visible_to(request.user).select_related("owner", "team")
    page = Paginator(customers, 50).get_page(request.GET.get("page"))
    return render(request, "customers/customer_list.html", {"page": page})
