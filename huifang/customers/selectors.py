"""Reads of the customer archive, always scoped to what the user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Field, ForeignObjectRel, Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from huifang.accounts.models import Role, User
from huifang.customers.models import (
    ArchiveSettings,
    Contact,
    Customer,
    CustomerTag,
    Purchase,
    Segment,
    Tier,
)
from huifang.customers.phones import (
    PhoneError,
    display_phone,
    halfwidth,
    mask_phone,
    normalize_phone,
)
from huifang.customers.search_keys import pinyin_query

EDITOR_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
IMPORT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
PAGE_SIZE = 50
COUNT_CAP = 1000


def sees_whole_archive(user: User) -> bool:
    return user.has_role(Role.ADMIN, Role.SUPERVISOR, Role.TECHNICIAN)


def customers_visible_to(user: User) -> QuerySet[Customer]:
    """Agents see their team's customers only (P1); other roles see the whole archive."""
    customers = Customer.objects.all()
    if sees_whole_archive(user):
        return customers
    if user.team_id is None:
        return customers.none()
    return customers.filter(team_id=user.team_id)


def customer_for(user: User, pk: int, *, edit: bool = False) -> Customer:
    """The customer ``pk`` if ``user`` may see it (and change it, with ``edit``).

    404 when there is no such customer, 403 when it belongs to another team: an agent who
    follows an old link learns it is not theirs rather than that it vanished.
    """
    customer = get_object_or_404(Customer.objects.select_related("owner", "team"), pk=pk)
    if not customers_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    if edit and not user.has_role(*EDITOR_ROLES):
        raise PermissionDenied
    return customer


def can_edit_customers(user: User) -> bool:
    return user.has_role(*EDITOR_ROLES)


def can_import(user: User) -> bool:
    return user.has_role(*IMPORT_ROLES)


# --- Phone numbers: full or masked (P1) ---------------------------------------------------


def sees_full_phones(user: User, archive: ArchiveSettings | None = None) -> bool:
    archive = archive or ArchiveSettings.load()
    return user.has_role(*archive.phone_visible_roles)


def may_export_full_phones(user: User, archive: ArchiveSettings | None = None) -> bool:
    archive = archive or ArchiveSettings.load()
    return user.has_role(*archive.export_phone_roles)


def phone_for(user_sees_full: bool, e164: str) -> str:
    return display_phone(e164) if user_sees_full else mask_phone(e164)


# --- Finding customers --------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerFilters:
    q: str = ""
    tier: str = ""
    region: str = ""
    tag: int | None = None
    owner: int | None = None
    team: int | None = None
    segment: str = ""

    def is_empty(self) -> bool:
        return self == CustomerFilters()


@dataclass
class CustomerPage:
    customers: list[Customer]
    count: int  # at most COUNT_CAP; see count_capped
    count_capped: bool
    next_after: int | None = None  # continue with ids below this one
    previous_before: int | None = None  # go back to ids above this one
    search_kind: str = ""
    ids: list[int] = field(default_factory=list)


def prefix_q(column: str, prefix: str) -> Q:
    """Rows whose ``column`` starts with ``prefix``, answered from an index on both databases.

    PostgreSQL uses its *_pattern_ops index for LIKE 'x%' whatever the collation. SQLite's
    LIKE ignores case and so cannot use an ordinary index; a range over the UTF-8 byte order
    (which is code point order) can: 'wxy' <= v < 'wxy\\U0010ffff'.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__startswith": prefix})
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": prefix + "\U0010ffff"})


def _has_contact(contacts: Q) -> Q:
    return Q(id__in=Contact.objects.filter(contacts).values("customer_id"))


_DIGITS_ONLY = re.compile(r"[\s\-+()（）]")
_PINYIN = re.compile(r"[A-Za-z][A-Za-z' ]*")


def search_branches(text: str) -> tuple[str, list[Q]]:
    """What ``text`` can mean, as (kind, one indexed condition per meaning).

    4 digits: last four digits of a phone. More digits: a phone number in any format, or
    the start of one. Latin letters: pinyin or pinyin initials of the name. An @: an
    e-mail address. Anything else: the start of the name, of the company or of the
    company's trade name (杭州华盛… is found by 华盛).
    """
    text = halfwidth(text).strip()
    if not text:
        return "", []
    digits = _DIGITS_ONLY.sub("", text)
    if digits.isdigit():
        if len(digits) == 4:
            return "last4", [_has_contact(Q(phone_last4=digits))]
        try:
            return "phone", [_has_contact(prefix_q("phone", normalize_phone(text)))]
        except PhoneError:
            national = digits[2:] if digits.startswith("86") and len(digits) > 11 else digits
            national = national[1:] if national.startswith("0") else national
            return "phone", [_has_contact(prefix_q("phone", "+86" + national))]
    if "@" in text:
        return "email", [_has_contact(Q(email=text.lower()))]
    if _PINYIN.fullmatch(text):
        typed = pinyin_query(text)
        return "pinyin", [prefix_q("name_initials", typed), prefix_q("name_pinyin", typed)]
    return "name", [
        prefix_q("name", text),
        prefix_q("company", text),
        prefix_q("company_key", text),
    ]


def _filtered(user: User, filters: CustomerFilters) -> QuerySet[Customer]:
    customers = customers_visible_to(user)
    if filters.tier:
        customers = customers.filter(tier=filters.tier)
    if filters.region:
        customers = customers.filter(region=filters.region)
    if filters.owner:
        customers = customers.filter(owner_id=filters.owner)
    if filters.team:
        customers = customers.filter(team_id=filters.team)
    if filters.tag:
        customers = customers.filter(
            id__in=CustomerTag.objects.filter(tag_id=filters.tag).values("customer_id")
        )
    if filters.segment in Segment.values:
        customers = customers.filter(**{f"segment_{filters.segment}": True})
    return customers


def _ids(
    customers: QuerySet[Customer], *, after: int | None, before: int | None, n: int
) -> list[int]:
    if before is not None:
        rows = customers.filter(id__gt=before).order_by("id").values_list("id", flat=True)[:n]
        return sorted(rows, reverse=True)
    if after is not None:
        customers = customers.filter(id__lt=after)
    return list(customers.order_by("-id").values_list("id", flat=True)[:n])


def customer_search(
    *,
    user: User,
    filters: CustomerFilters,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> CustomerPage:
    """One page of customers, newest first, by keyset: the millionth row costs what the
    first does, and no query counts the whole table (counts stop at COUNT_CAP).

    A search with several meanings runs one indexed query per meaning, each already
    limited to the page, and merges them: exact, without an OR that defeats the indexes.
    """
    base = _filtered(user, filters)
    kind, branches = search_branches(filters.q)
    queries = [base.filter(branch) for branch in branches] if branches else [base]
    found: set[int] = set()
    for query in queries:
        found.update(_ids(query, after=after, before=before, n=size + 1))
    ordered = sorted(found, reverse=True)
    if before is not None:
        more_before = len(ordered) > size
        ordered = ordered[-size:] if more_before else ordered
    else:
        more_before = after is not None
        more_after = len(ordered) > size
        ordered = ordered[:size]
    counted: set[int] = set()
    for query in queries:
        counted.update(query.order_by().values_list("id", flat=True)[: COUNT_CAP + 1])
    customers = list(
        Customer.objects.filter(id__in=ordered)
        .select_related("owner", "team")
        .prefetch_related("contacts", "tags")
        .order_by("-id")
    )
    page = CustomerPage(
        customers=customers,
        count=min(len(counted), COUNT_CAP),
        count_capped=len(counted) > COUNT_CAP,
        search_kind=kind,
        ids=ordered,
    )
    if ordered:
        if before is not None:
            page.next_after = ordered[-1]
            page.previous_before = ordered[0] if more_before else None
        else:
            page.next_after = ordered[-1] if more_after else None
            page.previous_before = ordered[0] if more_before else None
    return page


def customers_for_export(user: User, filters: CustomerFilters) -> QuerySet[Customer]:
    """Every customer of the filtered list (no paging), for streaming into a workbook."""
    base = _filtered(user, filters)
    _kind, branches = search_branches(filters.q)
    if branches:
        combined = Q()
        for branch in branches:
            combined |= branch
        base = base.filter(combined)
    return base.order_by("-id")


# --- Summaries and duplicates -------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveSummary:
    customers: int
    vip_customers: int
    deliveries_last_30_days: int


def archive_summary(*, user: User, today: date) -> ArchiveSummary:
    customers = customers_visible_to(user)
    since = today - timedelta(days=30)
    deliveries = Purchase.objects.filter(
        customer__in=customers, delivered_on__gt=since, delivered_on__lte=today
    )
    return ArchiveSummary(
        customers=customers.count(),
        vip_customers=customers.filter(tier=Tier.VIP).count(),
        deliveries_last_30_days=deliveries.count(),
    )


def customers_with_phones(phones: list[str]) -> dict[str, int]:
    """{normalised phone: id of a customer who has it} for the phones already on file."""
    result: dict[str, int] = {}
    for start in range(0, len(phones), 2000):
        chunk = phones[start : start + 2000]
        for phone, customer_id in Contact.objects.filter(phone__in=chunk).values_list(
            "phone", "customer_id"
        ):
            result.setdefault(phone, customer_id)
    return result


def customer_with_company_and_name(company: str, name: str) -> int | None:
    if not company:
        return None
    return (
        Customer.objects.filter(company=company, name=name)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


# --- Merging duplicates -------------------------------------------------------------------

MERGE_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# Filled on the customer kept when blank there (a merge adds, it never overwrites).
MERGE_FILLED_FIELDS = (
    "company",
    "region",
    "city",
    "industry",
    "owner",
    "team",
    "preferred_channel",
    "preferred_window_start",
    "preferred_window_end",
)


def can_merge_customers(user: User) -> bool:
    return user.has_role(*MERGE_ROLES)


def customer_references() -> list[ForeignObjectRel]:
    """Every relation that points at a customer, whichever app declares it: a merge moves
    all of them, including those added after this was written."""
    return [
        rel
        for rel in Customer._meta.get_fields(include_hidden=True)  # related_name="+" too
        if isinstance(rel, ForeignObjectRel) and (rel.one_to_many or rel.one_to_one)
    ]


def rows_pointing_at(rel: ForeignObjectRel, customer_id: int) -> QuerySet[Any]:
    """The rows of ``rel``'s model that point at customer ``customer_id``."""
    model = cast(type[Model], rel.related_model)
    return model._base_manager.filter(**{rel.field.name: customer_id})


def rows_label(rel: ForeignObjectRel) -> str:
    """What the rows of ``rel`` are called, e.g. 回访 for follow-ups."""
    return str(cast(type[Model], rel.related_model)._meta.verbose_name_plural)


@dataclass(frozen=True)
class MovingRows:
    label: str
    count: int


@dataclass
class MergePreview:
    kept: Customer
    duplicate: Customer
    moving: list[MovingRows]
    filled: list[tuple[str, Any]]  # (field label, value taken from the duplicate)
    same_contacts: list[str]  # contacts of the duplicate the kept customer already has
    same_tags: list[str]  # tags both carry: kept once


def merge_preview(kept: Customer, duplicate: Customer) -> MergePreview:
    """What merging ``duplicate`` into ``kept`` would do; nothing is written."""
    moving = []
    for rel in customer_references():
        count = rows_pointing_at(rel, duplicate.pk).count()
        if count:
            moving.append(MovingRows(label=rows_label(rel), count=count))
    filled = []
    for name in MERGE_FILLED_FIELDS:
        mine, theirs = getattr(kept, name), getattr(duplicate, name)
        if not mine and theirs:
            field = cast("Field[Any, Any]", Customer._meta.get_field(name))
            filled.append((str(field.verbose_name), theirs))
    kept_phones = set(kept.contacts.exclude(phone="").values_list("phone", flat=True))
    same_contacts = [
        f"{contact.name} {mask_phone(contact.phone)}"
        for contact in duplicate.contacts.filter(phone__in=kept_phones)
    ]
    same_tags = sorted(
        set(kept.tags.values_list("name", flat=True))
        & set(duplicate.tags.values_list("name", flat=True))
    )
    return MergePreview(kept, duplicate, moving, filled, same_contacts, same_tags)


def likely_duplicates(customer: Customer, limit: int = 10) -> list[Customer]:
    """Other customers with the same name, or sharing a phone or e-mail with ``customer``."""
    phones = [p for p in customer.contacts.values_list("phone", flat=True) if p]
    emails = [e for e in customer.contacts.values_list("email", flat=True) if e]
    shared = Contact.objects.filter(Q(phone__in=phones) | Q(email__in=emails))
    ids = set(shared.values_list("customer_id", flat=True)[: limit * 2])
    ids |= set(Customer.objects.filter(name=customer.name).values_list("id", flat=True)[:limit])
    ids.discard(customer.pk)
    return list(
        Customer.objects.filter(id__in=ids)
        .select_related("owner", "team")
        .prefetch_related("contacts")
        .order_by("-id")[:limit]
    )


def merged_into(customer_id: int) -> int | None:
    """The customer a removed duplicate was merged into, following later merges."""
    from huifang.customers.models import MergedCustomer

    return (
        MergedCustomer.objects.filter(merged_id=customer_id)
        .values_list("into_id", flat=True)
        .first()
    )
