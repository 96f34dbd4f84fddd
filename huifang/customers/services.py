"""Writes of the customer archive. Each records what it changed in the audit trail."""

from __future__ import annotations

import json
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.models import Team, User
from huifang.audit.models import Action
from huifang.audit.services import Change, audit_record, audit_record_many, field_changes
from huifang.customers.classify import classify, customer_facts, extra_facts
from huifang.customers.models import (
    ArchiveSettings,
    Contact,
    Customer,
    CustomerTag,
    Product,
    Purchase,
    Tag,
)
from huifang.customers.phones import last_four, mask_phone
from huifang.customers.search_keys import company_key, name_keys
from huifang.domain.classification import PurchaseFact, product_class

PROFILE_FIELDS = ("name", "company", "region", "city", "industry", "owner", "team")
PREFERENCE_FIELDS = (
    "preferred_channel",
    "preferred_window_start",
    "preferred_window_end",
    "refused_channels",
    "opted_out",
    "contact_level",
)


@dataclass(frozen=True)
class ContactData:
    name: str
    phone: str = ""  # already normalised (phones.normalize_phone)
    email: str = ""
    wechat_id: str = ""
    is_primary: bool = False
    id: int | None = None

    def describe(self) -> str:
        """How the contact reads in the audit trail: masked, never the full number."""
        parts = [self.name, mask_phone(self.phone), self.email, self.wechat_id]
        return " ".join(part for part in parts if part)


TAG_SEPARATORS = re.compile(r"[,，、;；/\s]+")


def split_tags(text: str) -> list[str]:
    """Tags as people type them: 经销商, 华东大客户、重点 → ["经销商", "华东大客户", "重点"]."""
    return list(dict.fromkeys(tag for tag in TAG_SEPARATORS.split(text or "") if tag))


def set_search_keys(customer: Customer) -> None:
    customer.name_pinyin, customer.name_initials = name_keys(customer.name)
    customer.company_key = company_key(customer.company)


def _snapshot(instance: Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def _change(
    instance: Model, fields: dict[str, Any], validate: Callable[[], None] | None = None
) -> dict[str, list[Any]]:
    """Set ``fields``, validate, save when something really changed; the changes."""
    before = _snapshot(instance, fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    if validate is not None:
        validate()
    instance.full_clean()
    changes = field_changes(before, _snapshot(instance, fields))
    if changes:
        instance.save()
    return changes


def _tag_names(customer: Customer) -> list[str]:
    return sorted(customer.tags.values_list("name", flat=True))


def tags_named(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, created when new."""
    wanted = sorted({name.strip() for name in names if name.strip()})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    for name in wanted:
        if name not in existing:
            existing[name] = Tag.objects.create(name=name)
    return [existing[name] for name in wanted]


def _set_tags(customer: Customer, names: Iterable[str]) -> None:
    tags = tags_named(names)
    CustomerTag.objects.filter(customer=customer).exclude(tag__in=tags).delete()
    present = set(CustomerTag.objects.filter(customer=customer).values_list("tag_id", flat=True))
    CustomerTag.objects.bulk_create(
        [CustomerTag(customer=customer, tag=tag) for tag in tags if tag.pk not in present]
    )


def _contact_descriptions(customer: Customer) -> list[str]:
    return [_as_data(contact).describe() for contact in customer.contacts.all()]


def _as_data(contact: Contact) -> ContactData:
    return ContactData(
        id=contact.pk,
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        wechat_id=contact.wechat_id,
        is_primary=contact.is_primary,
    )


def _write_contacts(customer: Customer, contacts: Sequence[ContactData]) -> None:
    existing = {contact.pk: contact for contact in customer.contacts.all()}
    kept = {data.id for data in contacts if data.id in existing}
    Contact.objects.filter(customer=customer).exclude(pk__in=kept).delete()
    has_primary = any(data.is_primary for data in contacts)
    for position, data in enumerate(contacts):
        contact = existing.get(data.id) if data.id else None
        contact = contact or Contact(customer=customer)
        contact.name = data.name or customer.name
        contact.phone = data.phone
        contact.phone_last4 = last_four(data.phone)
        contact.email = data.email.lower()
        contact.wechat_id = data.wechat_id
        contact.is_primary = data.is_primary if has_primary else position == 0
        contact.save()


@transaction.atomic
def customer_create(
    *,
    actor: User | None,
    name: str,
    company: str = "",
    region: str = "",
    city: str = "",
    industry: str = "",
    owner: User | None = None,
    team: Team | None = None,
    tags: Iterable[str] = (),
    contacts: Sequence[ContactData] = (),
) -> Customer:
    customer = Customer(
        name=name,
        company=company,
        region=region,
        city=city,
        industry=industry,
        owner=owner,
        team=team or (owner.team if owner else None),
    )
    set_search_keys(customer)
    customer.full_clean()
    customer.save()
    _set_tags(customer, tags)
    _write_contacts(customer, contacts)
    changes = field_changes({}, _snapshot(customer, PROFILE_FIELDS))
    if contacts:
        changes["contacts"] = [[], _contact_descriptions(customer)]
    if tags:
        changes["tags"] = [[], _tag_names(customer)]
    audit_record(actor=actor, action=Action.CREATE, target=customer, changes=changes)
    return customer


@transaction.atomic
def customer_update(
    *, actor: User | None, customer: Customer, tags: Iterable[str] | None = None, **fields: Any
) -> Customer:
    """Change profile fields (see PROFILE_FIELDS) and, when given, the tags."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"customer_update() cannot change {sorted(unknown)}")
    changes = _change(customer, fields, validate=lambda: set_search_keys(customer))
    if tags is not None:
        old_tags = _tag_names(customer)
        _set_tags(customer, tags)
        new_tags = _tag_names(customer)
        if new_tags != old_tags:
            changes["tags"] = [old_tags, new_tags]
    if changes:
        audit_record(actor=actor, action=Action.UPDATE, target=customer, changes=changes)
    return customer


@transaction.atomic
def customer_contacts_set(
    *, actor: User | None, customer: Customer, contacts: Sequence[ContactData]
) -> Customer:
    """Make the customer's contacts exactly ``contacts`` (ids keep existing ones)."""
    before = _contact_descriptions(customer)
    _write_contacts(customer, contacts)
    after = _contact_descriptions(customer)
    if before != after:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=customer,
            changes={"contacts": [before, after]},
        )
    return customer


@transaction.atomic
def customer_preferences_update(
    *, actor: User | None, customer: Customer, **preferences: Any
) -> Customer:
    """Contact preferences (C5): channel, time window, refused channels, opt-out, level."""
    unknown = set(preferences) - set(PREFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"customer_preferences_update() cannot change {sorted(unknown)}")
    if "refused_channels" in preferences:
        preferences["refused_channels"] = sorted(set(preferences["refused_channels"]))
    changes = _change(customer, preferences)
    if changes:
        audit_record(actor=actor, action=Action.UPDATE, target=customer, changes=changes)
    return customer


# --- Purchases ----------------------------------------------------------------------------

PURCHASE_FIELDS = (
    "product",
    "order_no",
    "quantity",
    "amount",
    "purchased_on",
    "delivered_on",
    "first_used_on",
    "contract_end_on",
)


def purchase_date_problems(
    *,
    today: date,
    purchased_on: date | None,
    delivered_on: date | None = None,
    first_used_on: date | None = None,
    contract_end_on: date | None = None,
) -> dict[str, str]:
    """{field: what is wrong, in words} for dates that cannot be true together."""
    problems: dict[str, str] = {}
    if purchased_on and purchased_on > today:
        problems["purchased_on"] = _("The purchase date cannot be later than today.")
    if delivered_on and delivered_on > today:
        problems["delivered_on"] = _(
            "The delivery date cannot be later than today; record it once delivered."
        )
    elif delivered_on and purchased_on and delivered_on < purchased_on:
        problems["delivered_on"] = _(
            "The delivery date cannot be earlier than the purchase date (%(date)s)."
        ) % {"date": purchased_on.isoformat()}
    earliest_use = delivered_on or purchased_on
    if first_used_on and first_used_on > today:
        problems["first_used_on"] = _("The first-use date cannot be later than today.")
    elif first_used_on and earliest_use and first_used_on < earliest_use:
        problems["first_used_on"] = _(
            "The first-use date cannot be earlier than the delivery or purchase date (%(date)s)."
        ) % {"date": earliest_use.isoformat()}
    if contract_end_on and purchased_on and contract_end_on < purchased_on:
        problems["contract_end_on"] = _(
            "The warranty/contract end cannot be earlier than the purchase date (%(date)s)."
        ) % {"date": purchased_on.isoformat()}
    return problems


def new_order_no(purchased_on: date) -> str:
    """An order number for an order entered by hand without one: HF-20261126-4F2A9C."""
    while True:
        order_no = f"HF-{purchased_on:%Y%m%d}-{secrets.token_hex(3).upper()}"
        if not Purchase.objects.filter(order_no=order_no).exists():
            return order_no


def describe_purchase(purchase: Purchase) -> str:
    """How an order reads in the audit trail: number, product, amount and its dates."""
    dates = (
        (_("purchased on %(date)s"), purchase.purchased_on),
        (_("delivered on %(date)s"), purchase.delivered_on),
        (_("first used on %(date)s"), purchase.first_used_on),
        (_("contract ends on %(date)s"), purchase.contract_end_on),
    )
    parts = [
        purchase.order_no,
        f"{purchase.product} × {purchase.quantity}",
        f"¥{purchase.amount:,.2f}",
        *(label % {"date": day.isoformat()} for label, day in dates if day),
    ]
    return " ".join(parts)


def _save_purchase(
    *, actor: User | None, purchase: Purchase, fields: dict[str, Any], action: str
) -> Purchase:
    unknown = set(fields) - set(PURCHASE_FIELDS)
    if unknown:
        raise TypeError(f"purchase services cannot change {sorted(unknown)}")
    before = None if action == Action.CREATE else describe_purchase(purchase)
    for name, value in fields.items():
        setattr(purchase, name, value)
    if not purchase.order_no:
        purchase.order_no = new_order_no(purchase.purchased_on)
    if purchase.amount is None and purchase.product_id:
        purchase.amount = purchase.product.unit_price * purchase.quantity
    problems = purchase_date_problems(
        today=timezone.localdate(),
        purchased_on=purchase.purchased_on,
        delivered_on=purchase.delivered_on,
        first_used_on=purchase.first_used_on,
        contract_end_on=purchase.contract_end_on,
    )
    if problems:
        raise ValidationError(problems)
    purchase.full_clean()
    after = describe_purchase(purchase)
    if after == before:
        return purchase
    purchase.save()
    customer = purchase.customer
    audit_record(
        actor=actor,
        action=action,
        target=customer,
        changes={"orders": [before, after]},
        note=_("Order %(order)s") % {"order": purchase.order_no},
    )
    # Spend moves the tier; a delivery is planned now rather than by tonight's sweep.
    customers_reclassify(today=timezone.localdate(), actor=actor, customer_ids=[customer.pk])
    plan_followups_after_commit([customer.pk])
    return purchase


def plan_followups_after_commit(customer_ids: list[int]) -> None:
    """Have the follow-up engine plan these customers once their changes are committed
    (the worker must see them), instead of waiting for the nightly sweep."""
    from huifang.followups.tasks import plan_customers

    if customer_ids:
        transaction.on_commit(lambda: plan_customers(list(customer_ids)))


@transaction.atomic
def purchase_create(*, actor: User | None, customer: Customer, **fields: Any) -> Purchase:
    """Record an order of ``customer`` (see PURCHASE_FIELDS; a blank order_no gets one)."""
    return _save_purchase(
        actor=actor, purchase=Purchase(customer=customer), fields=fields, action=Action.CREATE
    )


@transaction.atomic
def purchase_update(*, actor: User | None, purchase: Purchase, **fields: Any) -> Purchase:
    """Change an order; only what really changed is recorded and re-planned."""
    return _save_purchase(actor=actor, purchase=purchase, fields=fields, action=Action.UPDATE)


# --- Settings and classification ----------------------------------------------------------


@transaction.atomic
def archive_settings_update(*, actor: User | None, **fields: Any) -> ArchiveSettings:
    archive = ArchiveSettings.load()

    def consistent() -> None:
        # Raises ClassificationError before anything is saved when the numbers contradict.
        archive.classification_rules()
        archive.product_thresholds()

    changes = _change(archive, fields, validate=consistent)
    if changes:
        audit_record(actor=actor, action=Action.UPDATE, target=archive, changes=changes)
    return archive


PRODUCT_FIELDS = ("sku", "name", "model", "line", "unit_price", "repurchase_cycle_days")


@transaction.atomic
def product_save(*, actor: User | None, product: Product | None = None, **fields: Any) -> Product:
    """Create or change a product; its price class follows the unit price (C3)."""
    creating = product is None
    product = product or Product()
    thresholds = ArchiveSettings.load().product_thresholds()

    def classify_price() -> None:
        product.product_class = product_class(product.unit_price, thresholds).value

    before = product.product_class
    changes = _change(product, {**fields}, validate=classify_price)
    if changes and product.product_class != before:
        changes["product_class"] = [before or None, product.product_class]
    if changes:
        action = Action.CREATE if creating else Action.UPDATE
        audit_record(actor=actor, action=action, target=product, changes=changes)
    return product


@transaction.atomic
def products_reclassify(*, actor: User | None) -> int:
    """Give every product the price class its unit price has under the current thresholds."""
    thresholds = ArchiveSettings.load().product_thresholds()
    changed = 0
    for product in Product.objects.all():
        new_class = product_class(product.unit_price, thresholds).value
        if product.product_class != new_class:
            audit_record(
                actor=actor,
                action=Action.RECLASSIFY,
                target=product,
                changes={"product_class": [product.product_class, new_class]},
            )
            product.product_class = new_class
            product.save(update_fields=["product_class"])
            changed += 1
    return changed


@dataclass
class ReclassifyResult:
    customers: int = 0
    changed: int = 0
    tier_changes: int = 0


RECLASSIFY_CHUNK = 10_000


def customers_reclassify(
    *,
    today: date,
    actor: User | None = None,
    customer_ids: Sequence[int] | None = None,
    chunk: int = RECLASSIFY_CHUNK,
    progress: Callable[[int], object] | None = None,
) -> ReclassifyResult:
    """Recompute tier, flags and segments (C4) of every customer, or of ``customer_ids``.

    Works through the archive in id ranges of ``chunk`` customers, each in its own
    transaction: a million customers never sit in memory at once, and the web keeps
    serving. Only rows whose classification changed are written; a tier change is
    recorded in the audit trail.
    """
    rules = ArchiveSettings.load().classification_rules()
    result = ReclassifyResult()
    for ids_or_range in _chunks(customer_ids, chunk):
        with transaction.atomic():
            seen, changed, tiers = _reclassify_chunk(ids_or_range, today, rules, actor)
        result.customers += seen
        result.changed += changed
        result.tier_changes += tiers
        if progress:
            progress(seen)
    return result


def _chunks(customer_ids: Sequence[int] | None, size: int) -> Iterable[Any]:
    if customer_ids is not None:
        ordered = sorted(set(customer_ids))
        for start in range(0, len(ordered), size):
            yield ordered[start : start + size]
        return
    bounds = Customer.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    for low in range(bounds["low"], bounds["high"] + 1, size):
        yield range(low, low + size)


def _reclassify_chunk(
    ids: Sequence[int] | range, today: date, rules: Any, actor: User | None
) -> tuple[int, int, int]:
    if isinstance(ids, range):
        customers = Customer.objects.filter(pk__gte=ids.start, pk__lt=ids.stop)
        purchase_filter: dict[str, Any] = {
            "customer_id__gte": ids.start,
            "customer_id__lt": ids.stop,
        }
    else:
        customers = Customer.objects.filter(pk__in=ids)
        purchase_filter = {"customer_id__in": ids}
    rows = list(
        customers.order_by().values_list(
            "pk",
            "tier",
            "flags",
            "segment_high_value",
            "segment_potential",
            "segment_churn_risk",
            "last_complaint_at",
            "name",
            "company",
        )
    )
    if not rows:
        return 0, 0, 0
    bought: dict[int, list[PurchaseFact]] = defaultdict(list)
    for customer_id, on, amount in (
        Purchase.objects.filter(**purchase_filter)
        .order_by()
        .values_list("customer_id", "purchased_on", "amount")
    ):
        bought[customer_id].append(PurchaseFact(on=on, amount=amount))
    extra = extra_facts([row[0] for row in rows], today)
    updates, tier_changes = [], []
    for pk, tier, flags, high, potential, churn, complained_at, name, company in rows:
        facts = customer_facts(bought.get(pk, []), extra.get(pk), complained_at is not None)
        new = classify(facts, today, rules)
        if (tier, list(flags or []), high, potential, churn) == (
            new.tier,
            new.flags,
            new.high_value,
            new.potential,
            new.churn_risk,
        ):
            continue
        updates.append(
            (
                new.tier,
                json.dumps(new.flags),
                new.high_value,
                new.potential,
                new.churn_risk,
                today,
                pk,
            )
        )
        if tier != new.tier:
            label = f"{name}（{company}）" if company else name
            tier_changes.append(Change(Action.RECLASSIFY, pk, label, {"tier": [tier, new.tier]}))
    if updates:
        flags_value = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
        table = connection.ops.quote_name(Customer._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET tier = %s, flags = {flags_value}, segment_high_value = %s,"
                " segment_potential = %s, segment_churn_risk = %s, classified_on = %s"
                " WHERE id = %s",
                updates,
            )
    if tier_changes:
        audit_record_many(actor=actor, model=Customer, changes=tier_changes)
    return len(rows), len(updates), len(tier_changes)


ARCHIVE_TABLES = (Customer, Contact, CustomerTag, Purchase)


def archive_analyze() -> None:
    """Refresh the query planner's statistics of the archive tables.

    Search joins a selective index (pinyin, last four digits) with a scope (an agent's
    team): without statistics SQLite guesses that the team index is the selective one and
    walks half the archive. Run after bulk loads and nightly; about 1.5 s at a million
    customers.
    """
    with connection.cursor() as cursor:
        for model in ARCHIVE_TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
