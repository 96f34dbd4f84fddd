"""Orders entered by hand on the customer 360 page (C2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from huifang.accounts.permissions import role_required
from huifang.customers import services
from huifang.customers.forms import PurchaseForm
from huifang.customers.models import Purchase
from huifang.customers.selectors import EDITOR_ROLES, customer_for
from huifang.customers.views import request_user


@role_required(*EDITOR_ROLES)
def purchase_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_for(user, pk, edit=True)
    form = PurchaseForm(request.POST or None, user=user, instance=Purchase(customer=customer))
    if request.method == "POST" and form.is_valid():
        purchase = services.purchase_create(actor=user, customer=customer, **form.purchase_fields())
        messages.success(request, _("Order %(order)s saved.") % {"order": purchase.order_no})
        return redirect("customers:detail", pk=customer.pk)
    title = _("New order of %(name)s") % {"name": customer}
    context = {"form": form, "title": title, "customer": customer}
    return render(request, "customers/purchase_form.html", context)


@role_required(*EDITOR_ROLES)
def purchase_edit(request: HttpRequest, pk: int, purchase_pk: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_for(user, pk, edit=True)
    purchase = get_object_or_404(Purchase, pk=purchase_pk, customer=customer)
    # The form writes its values onto its instance; the service compares with the stored row.
    form = PurchaseForm(request.POST or None, user=user, instance=purchase)
    if request.method == "POST" and form.is_valid():
        stored = Purchase.objects.select_related("customer", "product").get(pk=purchase.pk)
        services.purchase_update(actor=user, purchase=stored, **form.purchase_fields())
        messages.success(request, _("Order %(order)s saved.") % {"order": stored.order_no})
        return redirect("customers:detail", pk=customer.pk)
    title = _("Order %(order)s of %(name)s") % {"order": purchase.order_no, "name": customer}
    context = {"form": form, "title": title, "customer": customer, "purchase": purchase}
    return render(request, "customers/purchase_form.html", context)
