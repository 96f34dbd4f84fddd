"""Merging a duplicate customer by hand: find it, preview what moves, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from huifang.accounts.permissions import role_required
from huifang.customers import selectors
from huifang.customers.merging import customer_merge
from huifang.customers.selectors import MERGE_ROLES, CustomerFilters, customer_for
from huifang.customers.views import request_user


@role_required(*MERGE_ROLES)
def merge_search(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    kept = customer_for(user, pk, edit=True)
    q = request.GET.get("q", "").strip()[:100]
    found = []
    if q:
        page = selectors.customer_search(user=user, filters=CustomerFilters(q=q), size=20)
        found = [customer for customer in page.customers if customer.pk != kept.pk]
    context = {
        "customer": kept,
        "q": q,
        "found": found,
        "likely": selectors.likely_duplicates(kept),
    }
    return render(request, "customers/merge_search.html", context)


@role_required(*MERGE_ROLES)
def merge_preview(request: HttpRequest, pk: int, duplicate_pk: int) -> HttpResponse:
    user = request_user(request)
    kept = customer_for(user, pk, edit=True)
    duplicate = customer_for(user, duplicate_pk, edit=True)
    if request.method == "POST":
        try:
            result = customer_merge(actor=user, kept=kept, duplicate=duplicate)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("customers:merge_search", pk=kept.pk)
        messages.success(
            request,
            _("Customer no. %(id)d was merged into %(name)s.")
            % {"id": result.merged_id, "name": result.kept},
        )
        return redirect("customers:detail", pk=kept.pk)
    preview = selectors.merge_preview(kept, duplicate)
    return render(request, "customers/merge_preview.html", {"preview": preview})
