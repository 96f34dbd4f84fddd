from __future__ import annotations

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huifang.accounts.models import Team, User
from huifang.accounts.permissions import admin_required, role_required
from huifang.audit.models import Action
from huifang.audit.services import audit_record
from huifang.customers import selectors, services
from huifang.customers.exports import write_customers
from huifang.customers.forms import (
    ArchiveSettingsForm,
    ContactFormSet,
    CustomerForm,
    ImportUploadForm,
    PreferencesForm,
    ProductForm,
    SearchForm,
    owners_for,
)
from huifang.customers.imports import services as imports
from huifang.customers.imports.engine import PHASES
from huifang.customers.imports.fields import FIELDS
from huifang.customers.imports.reader import ImportFileError, column_letter
from huifang.customers.imports.report import write_issue_report
from huifang.customers.models import (
    ArchiveSettings,
    Channel,
    Customer,
    ImportJob,
    ImportStatus,
    Product,
    Segment,
    Tag,
    Tier,
)
from huifang.customers.selectors import (
    EDITOR_ROLES,
    IMPORT_ROLES,
    customer_for,
    phone_for,
    sees_full_phones,
)
from huifang.customers.timeline import customer_timeline

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def request_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _download(data: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        data,
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _search_form(request: HttpRequest, user: User) -> SearchForm:
    form = SearchForm(request.GET or None)
    if form.is_valid():
        team = form.cleaned_data.get("team")
        # An agent asking for another team's customers is refused, not shown an empty list.
        if team and not selectors.sees_whole_archive(user) and team.pk != user.team_id:
            raise PermissionDenied
    return form


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = _search_form(request, user)
    data = form.cleaned_data if form.is_valid() else {}
    page = selectors.customer_search(
        user=user, filters=form.filters(), after=data.get("after"), before=data.get("before")
    )
    full = sees_full_phones(user)
    rows = []
    for customer in page.customers:
        contacts = list(customer.contacts.all())
        phone = next((c.phone for c in contacts if c.phone), "")
        rows.append((customer, phone_for(full, phone)))
    query = {k: v for k, v in request.GET.items() if k not in {"after", "before"} and v}
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": urlencode(query),
        "tiers": Tier.choices,
        "segments": Segment.choices,
        "tags": Tag.objects.all(),
        "owners": owners_for(user),
        "teams": Team.objects.all() if selectors.sees_whole_archive(user) else [],
        "can_edit": selectors.can_edit_customers(user),
        "can_import": selectors.can_import(user),
        "may_export_full": selectors.may_export_full_phones(user),
    }
    return render(request, "customers/customer_list.html", context)


@login_required
def customer_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = _search_form(request, user)
    full = request.GET.get("full_phones") == "1" and selectors.may_export_full_phones(user)
    customers = selectors.customers_for_export(user, form.filters())
    return _workbook_response(request, customers, full, "customers")


@login_required
def customer_export_one(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_for(user, pk)
    full = request.GET.get("full_phones") == "1" and selectors.may_export_full_phones(user)
    return _workbook_response(
        request, Customer.objects.filter(pk=customer.pk), full, f"customer-{customer.pk}"
    )


def _workbook_response(
    request: HttpRequest, customers: QuerySet[Customer], full: bool, name: str
) -> HttpResponse:
    out = io.BytesIO()
    written = write_customers(customers, out, full_phones=full)
    if full:
        # Full numbers leaving the system are personal data on the move (PIPL): on record.
        audit_record(
            actor=request_user(request),
            action=Action.EXPORT,
            target=request_user(request),
            changes={"customers": [None, written]},
            note=_("Export with full phone numbers"),
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _download(out.getvalue(), f"{name}-{stamp}.xlsx")


@role_required(*EDITOR_ROLES)
def customer_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CustomerForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = services.customer_create(
            actor=user,
            tags=data["tags"],
            contacts=form.contacts(),
            **{name: data[name] for name in services.PROFILE_FIELDS},
        )
        messages.success(request, _("Customer %(name)s created.") % {"name": customer})
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("New customer")})


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    try:
        customer = customer_for(user, pk)
    except Http404:
        into = selectors.merged_into(pk)
        if into is None:
            raise
        messages.info(request, _("Customer no. %(id)d was merged into this one.") % {"id": pk})
        return redirect("customers:detail", pk=into)
    full = sees_full_phones(user)
    contacts = [(c, phone_for(full, c.phone)) for c in customer.contacts.all()]
    context = {
        "customer": customer,
        "contacts": contacts,
        "tags": customer.tags.all(),
        "purchases": customer.purchases.select_related("product"),
        "timeline": customer_timeline(customer, user),
        "can_edit": selectors.can_edit_customers(user),
        "can_merge": selectors.can_merge_customers(user),
        "may_export_full": selectors.may_export_full_phones(user),
        "refused": [Channel(c).label for c in customer.refused_channels if c in Channel.values],
    }
    return render(request, "customers/customer_detail.html", context)


@role_required(*EDITOR_ROLES)
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_for(user, pk, edit=True)
    initial = {
        "name": customer.name,
        "company": customer.company,
        "region": customer.region,
        "city": customer.city,
        "industry": customer.industry,
        "team": customer.team,
        "owner": customer.owner,
        "tags": "，".join(customer.tags.values_list("name", flat=True)),
    }
    form = CustomerForm(request.POST or None, initial=initial, user=user, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.customer_update(
            actor=user,
            customer=customer,
            tags=data["tags"],
            **{name: data[name] for name in services.PROFILE_FIELDS},
        )
        messages.success(request, _("Customer %(name)s saved.") % {"name": customer})
        return redirect("customers:detail", pk=customer.pk)
    title = _("Edit %(name)s") % {"name": customer}
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": title, "customer": customer},
    )


@role_required(*EDITOR_ROLES)
def customer_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_for(user, pk, edit=True)
    initial = [
        {
            "id": c.pk,
            "name": c.name,
            "phone": c.phone,
            "email": c.email,
            "wechat_id": c.wechat_id,
            "is_primary": c.is_primary,
        }
        for c in customer.contacts.all()
    ]
    formset = ContactFormSet(
        request.POST or None, initial=initial, customer=customer, user=user, prefix="contacts"
    )
    if request.method == "POST" and formset.is_valid():
        services.customer_contacts_set(actor=user, customer=customer, contacts=formset.contacts())
        messages.success(request, _("Contacts of %(name)s saved.") % {"name": customer})
        return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/customer_contacts.html", {"formset": formset, "customer": customer}
    )


@role_required(*EDITOR_ROLES)
def customer_preferences(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_for(user, pk, edit=True)
    initial = {name: getattr(customer, name) for name in services.PREFERENCE_FIELDS}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.customer_preferences_update(actor=user, customer=customer, **form.cleaned_data)
        messages.success(request, _("Contact preferences of %(name)s saved.") % {"name": customer})
        return redirect("customers:detail", pk=customer.pk)
    title = _("Contact preferences of %(name)s") % {"name": customer}
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": title, "customer": customer},
    )


# --- Settings -----------------------------------------------------------------------------


@admin_required
def archive_settings(request: HttpRequest) -> HttpResponse:
    archive = ArchiveSettings.load()
    form = ArchiveSettingsForm(request.POST or None, instance=archive)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.archive_settings_update(actor=request_user(request), **fields)
        changed = services.products_reclassify(actor=request_user(request))
        messages.success(
            request,
            _(
                "Settings saved. %(products)d products changed class; recompute tiers to apply "
                "the new thresholds to customers."
            )
            % {"products": changed},
        )
        return redirect("customers:settings")
    return render(request, "customers/archive_settings.html", {"form": form})


@admin_required
@require_POST
def reclassify(request: HttpRequest) -> HttpResponse:
    from huifang.customers.tasks import reclassify_customers

    reclassify_customers(timezone.localdate().isoformat(), request_user(request).pk)
    messages.success(
        request,
        _("Tiers, flags and segments are being recomputed in the background."),
    )
    return redirect("customers:settings")


@admin_required
def product_list(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/product_list.html", {"products": Product.objects.all()})


@admin_required
def product_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk) if pk else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PRODUCT_FIELDS}
        # The form has already written its values onto `product`; the service compares
        # against the stored row to record what changed.
        stored = Product.objects.get(pk=product.pk) if product else None
        saved = services.product_save(actor=request_user(request), product=stored, **fields)
        messages.success(
            request,
            _("Product %(name)s saved: %(class)s.")
            % {"name": saved, "class": saved.get_product_class_display()},
        )
        return redirect("customers:product_list")
    title = _("Edit product") if product else _("New product")
    return render(request, "accounts/form.html", {"form": form, "title": title})


# --- Imports ------------------------------------------------------------------------------


@role_required(*IMPORT_ROLES)
def import_list(request: HttpRequest) -> HttpResponse:
    jobs = ImportJob.objects.select_related("created_by", "source")[:50]
    return render(request, "customers/import_list.html", {"jobs": jobs})


@role_required(*IMPORT_ROLES)
def import_upload(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = imports.import_job_create(
                actor=user,
                upload=data["file"],
                source_name=data["source_name"],
                duplicate_policy=data["duplicate_policy"],
                default_team=data["default_team"],
                default_owner=data["default_owner"],
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("customers:import_mapping", pk=job.pk)
    return render(request, "customers/import_upload.html", {"form": form})


@role_required(*IMPORT_ROLES)
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    if job.status != ImportStatus.MAPPING:
        return redirect("customers:import_detail", pk=job.pk)
    if request.method == "POST":
        mapping = {
            str(index): request.POST.get(f"column-{index}", "") for index in range(len(job.headers))
        }
        mapping = {index: key for index, key in mapping.items() if key}
        problems = imports.mapping_problems(job.headers, mapping)
        if not problems:
            job = imports.import_job_map(job=job, mapping=mapping)
            imports.import_job_start(job=job)
            return redirect("customers:import_detail", pk=job.pk)
        job.mapping = mapping
    else:
        problems = []
    preview = imports.import_preview(job)
    columns = [
        {
            "index": index,
            "letter": column_letter(index),
            "heading": heading,
            "chosen": job.mapping.get(str(index), ""),
            "samples": [row[index] for row in preview if index < len(row)],
        }
        for index, heading in enumerate(job.headers)
    ]
    context = {"job": job, "columns": columns, "fields": FIELDS, "problems": problems}
    return render(request, "customers/import_mapping.html", context)


@role_required(*IMPORT_ROLES)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.select_related("created_by", "source"), pk=pk)
    issues = job.issues.all()[:100]
    summary = [
        (getattr(ImportJob._meta.get_field(f"{key}_count"), "verbose_name", key), value, key)
        for key, value in job.counts().items()
    ]
    context = {
        "job": job,
        "issues": issues,
        "summary": summary,
        "phase": PHASES.get(job.phase, ""),
        "running": job.status in {ImportStatus.QUEUED, ImportStatus.RUNNING},
    }
    template = (
        "customers/import_progress.html"
        if request.GET.get("partial")
        else "customers/import_detail.html"
    )
    return render(request, template, context)


@role_required(*IMPORT_ROLES)
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    if job.status == ImportStatus.FAILED:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, failure="")
        job.status = ImportStatus.QUEUED
        imports.import_job_start(job=job)
    return redirect("customers:import_detail", pk=job.pk)


@role_required(*IMPORT_ROLES)
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    out = io.BytesIO()
    write_issue_report(job, out)
    return _download(out.getvalue(), f"import-{job.pk}-report.xlsx")
