from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.accounts.permissions import admin_required
from huifang.customers.selectors import customers_visible_to
from huifang.domain.cadence import CadenceError
from huifang.followups import selectors, tasks
from huifang.followups.context import STEP_FIELDS, domain_rule_from_data
from huifang.followups.forms import (
    BlackoutForm,
    ContactPolicyForm,
    FeatureReleaseForm,
    RuleForm,
    StepFormSet,
)
from huifang.followups.models import (
    Blackout,
    CadenceRule,
    ContactPolicy,
    FeatureRelease,
    FollowUpStatus,
)


@admin_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = CadenceRule.objects.prefetch_related("steps")
    return render(request, "followups/rule_list.html", {"rules": rules})


@admin_required
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(CadenceRule, pk=pk) if pk else CadenceRule()
    form = RuleForm(request.POST or None, instance=rule)
    steps = StepFormSet(request.POST or None, instance=rule)
    preview = None
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        kept = [
            f.cleaned_data
            for f in steps.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            candidate = domain_rule_from_data(
                form.cleaned_data, [{k: d[k] for k in STEP_FIELDS} for d in kept]
            )
        except CadenceError as error:
            form.add_error(None, str(error))
        else:
            if "preview" in request.POST:
                preview = selectors.rule_preview(candidate, now=timezone.now())
            else:
                with transaction.atomic():
                    saved = form.save()
                    steps.instance = saved
                    for position, step in enumerate(steps.save(commit=False)):
                        step.rule = saved
                        if step.pk is None:  # new steps go after the existing ones
                            step.position = 1000 + position
                        step.save()
                    for deleted in steps.deleted_objects:
                        deleted.delete()
                    for position, step in enumerate(saved.steps.order_by("position", "id")):
                        step.position = position
                        step.save(update_fields=["position"])
                messages.success(
                    request, _("Rule saved. Re-plan to apply it to planned follow-ups.")
                )
                return redirect("followups:rule_list")
    context = {"form": form, "steps": steps, "rule": rule, "preview": preview}
    return render(request, "followups/rule_form.html", context)


@admin_required
def replan(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        tasks.replan_all()
        messages.success(request, _("Re-planning started in the background."))
    return redirect("followups:rule_list")


@admin_required
def policy_edit(request: HttpRequest) -> HttpResponse:
    policy = ContactPolicy.objects.get_or_create(pk=1)[0]
    form = ContactPolicyForm(request.POST or None, instance=policy)
    blackout_form = BlackoutForm(request.POST if "add_blackout" in request.POST else None)
    if request.method == "POST":
        if "add_blackout" in request.POST:
            if blackout_form.is_valid():
                blackout_form.save()
                messages.success(request, _("Blackout period added."))
                return redirect("followups:policy")
        elif form.is_valid():
            form.save()
            messages.success(request, _("Contact policy saved."))
            return redirect("followups:policy")
    context = {"form": form, "blackout_form": blackout_form, "blackouts": Blackout.objects.all()}
    return render(request, "followups/policy.html", context)


@admin_required
def blackout_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        get_object_or_404(Blackout, pk=pk).delete()
        messages.success(request, _("Blackout period removed."))
    return redirect("followups:policy")


@login_required
def customer_plan(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The "why" view: every follow-up of a customer with the rule and the reasons."""
    assert isinstance(request.user, User)
    customer = get_object_or_404(customers_visible_to(request.user), pk=customer_id)
    followups = [(f, selectors.reason_lines(f)) for f in selectors.customer_plan(customer)]
    context = {"customer": customer, "followups": followups, "statuses": FollowUpStatus}
    return render(request, "followups/customer_plan.html", context)


@admin_required
def releases(request: HttpRequest) -> HttpResponse:
    form = FeatureReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tasks.announce_release(
            data["name"],
            [p.pk for p in data["products"]],
            data["released_at"].isoformat(),
            data["note"],
            request.user.pk,
        )
        messages.success(request, _("Release recorded; its buyers' follow-ups are being planned."))
        return redirect("followups:releases")
    context = {"form": form, "releases": FeatureRelease.objects.prefetch_related("products")}
    return render(request, "followups/releases.html", context)
