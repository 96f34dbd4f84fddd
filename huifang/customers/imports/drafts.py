"""The rows a new customer of the file becomes, computed without asking the database.

Whether a group of rows is a new customer is known only when the chunk is written (the
archive is matched under the write lock). Nearly every group is new, though, so its rows
are drafted beforehand, in a second process while the previous chunk is written (see
`ahead`). A draft holds plain values only (text, numbers, None): it crosses a process
boundary cheaply, and both databases take it as it is.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from huifang.accounts.models import Team, User
from huifang.audit.services import changes_json
from huifang.customers.classify import Classification, classify, customer_facts
from huifang.customers.imports.rows import ContactRecord, Group, Issue, PurchaseRow, fold
from huifang.customers.models import ArchiveSettings, DuplicatePolicy, ImportJob
from huifang.customers.phones import last_four, mask_phone
from huifang.customers.search_keys import company_key, name_keys
from huifang.domain.classification import PurchaseFact

# The columns a draft fills; the writer adds the id (and the customer's timestamps).
CUSTOMER_COLUMNS = [
    "name", "company", "region", "city", "industry", "tier", "owner_id", "team_id",
    "preferred_channel", "preferred_window_start", "preferred_window_end", "refused_channels",
    "opted_out", "contact_level", "flags", "segment_high_value", "segment_potential",
    "segment_churn_risk", "classified_on", "name_pinyin", "name_initials", "company_key",
]  # fmt: skip
CONTACT_COLUMNS = ["name", "phone", "phone_last4", "email", "wechat_id", "is_primary"]
PURCHASE_COLUMNS = [
    "product_id", "order_no", "quantity", "amount", "purchased_on",
    "delivered_on", "first_used_on", "contract_end_on",
]  # fmt: skip


class Draft(NamedTuple):
    customer: tuple[Any, ...]  # CUSTOMER_COLUMNS
    contacts: list[tuple[Any, ...]]  # CONTACT_COLUMNS
    tags: list[str]
    purchases: list[tuple[Any, ...]]  # PURCHASE_COLUMNS
    changes: str  # the audit entry's changes, as JSON text
    label: str  # the customer, as the audit trail names it
    note: str  # the file's rows it came from
    notes: list[Issue]  # values of later rows that lost to earlier ones


class Drafter:
    """Drafts new customers for one import job. Built once per run; holds what every
    draft needs (owners' teams, classification rules, the job's defaults)."""

    def __init__(self, job: ImportJob, today: date):
        self.job = job
        self.today = today
        self.classified_on = today.isoformat()
        self.rules = ArchiveSettings.load().classification_rules()
        self.teams = dict(User.objects.values_list("pk", "team_id"))
        self.names = {
            "owner_id": {
                pk: full or user
                for pk, user, full in User.objects.values_list("pk", "username", "full_name")
            },
            "team_id": dict(Team.objects.values_list("pk", "name")),
        }
        self.skip = job.duplicate_policy == DuplicatePolicy.SKIP
        self.classified: dict[tuple[tuple[date, Decimal], ...], Classification] = {}
        self.import_note = _("Import no. %(job)d") % {"job": job.pk}
        self.rows_template = _("%(import)s, rows %(rows)s")

    def candidate(self, group: Group) -> Group:
        """The rows that make the customer if it turns out new: with duplicates skipped,
        only the first."""
        return Group(rows=group.rows[:1]) if self.skip else group

    def owner_and_team(self, owner_id: int | None) -> tuple[int | None, int | None]:
        owner_id = owner_id or self.job.default_owner_id
        team_id = self.teams.get(owner_id) if owner_id else None
        return owner_id, team_id or self.job.default_team_id

    def rows_note(self, group: Group) -> str:
        numbers = "、".join(str(row.number) for row in group.rows)
        return self.rows_template % {"import": self.import_note, "rows": numbers}

    def draft(self, group: Group) -> Draft:
        record = fold(group)
        owner_id, team_id = self.owner_and_team(record.owner_id)
        classified = self._classify(
            tuple(sorted((p.purchased_on, p.amount) for _r, p in record.purchases))
        )
        profile = record.profile
        pinyin, initials = name_keys(profile["name"])
        start, end = (t.isoformat() for t in record.window) if record.window else (None, None)
        customer = (
            profile["name"],
            profile["company"],
            profile["region"],
            profile["city"],
            profile["industry"],
            classified.tier,
            owner_id,
            team_id,
            record.preferred_channel,
            start,
            end,
            "[]",
            record.opted_out,
            0,
            _flags_json(tuple(classified.flags)),
            classified.high_value,
            classified.potential,
            classified.churn_risk,
            self.classified_on,
            pinyin,
            initials,
            company_key(profile["company"]),
        )
        changes: dict[str, Any] = {key: [None, value] for key, value in profile.items() if value}
        if record.contacts:
            changes["contacts"] = [[], [describe(c) for c in record.contacts]]
        if record.tags:
            changes["tags"] = [[], record.tags]
        if record.purchases:
            changes["orders"] = [[], [p.order_no for _r, p in record.purchases]]
        name, company = profile["name"], profile["company"]
        label = f"{name}（{company}）" if company else name
        return Draft(
            customer=customer,
            contacts=[contact_values(c, i == 0) for i, c in enumerate(record.contacts)],
            tags=record.tags,
            purchases=[purchase_values(p) for _r, p in record.purchases],
            changes=changes_json(changes),
            label=label,
            note=self.rows_note(group),
            notes=record.notes,
        )

    def _classify(self, bought: tuple[tuple[date, Decimal], ...]) -> Classification:
        """Classification of a new customer, who has only the orders of the file. Orders of
        one file share their days and prices, so the few distinct histories are computed
        once each."""
        known = self.classified.get(bought)
        if known is None:
            facts = [PurchaseFact(on=on, amount=amount) for on, amount in bought]
            known = classify(customer_facts(facts, None, False), self.today, self.rules)
            self.classified[bought] = known
        return known


@functools.cache
def _flags_json(flags: tuple[str, ...]) -> str:
    """The stored form of a flag list; there are only a few dozen different ones."""
    return json.dumps(list(flags))


def contact_values(contact: ContactRecord, primary: bool) -> tuple[Any, ...]:
    return (
        contact.name,
        contact.phone,
        last_four(contact.phone),
        contact.email,
        contact.wechat_id,
        primary,
    )


def purchase_values(purchase: PurchaseRow) -> tuple[Any, ...]:
    # Dates and money as text: what Django stores on SQLite, what COPY reads on PostgreSQL.
    return (
        purchase.product.id,
        purchase.order_no,
        purchase.quantity,
        str(purchase.amount),
        purchase.purchased_on.isoformat(),
        _day(purchase.delivered_on),
        _day(purchase.first_used_on),
        _day(purchase.contract_end_on),
    )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def describe(contact: ContactRecord) -> str:
    parts = [contact.name, mask_phone(contact.phone), contact.email, contact.wechat_id]
    return " ".join(part for part in parts if part)
