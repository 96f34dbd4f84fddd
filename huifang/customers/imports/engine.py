"""Run an import: validate every row, group duplicates, match the archive, write in bulk.

Outcome of each data row (they add up to the rows of the file):

* created   — first row of a new customer;
* updated   — first row of a customer already on file that the import changed;
* merged    — a further row of the same customer (same phone, or company + name),
              combined with the row before it;
* unchanged — the customer is on file and the row adds nothing new;
* skipped   — a duplicate, and the user chose to skip duplicates;
* rejected  — the row cannot be imported; the report says which cell and why.

A customer on file is only ever added to: blanks filled, new contacts, tags and orders
added. Values that differ are kept as they are and noted in the report. So importing the
same file a second time finds every customer and changes nothing.

Rows are written in chunks, a few seconds' worth per transaction; a crash leaves whole
transactions, and running the import again completes it (what they wrote then counts as
unchanged).
"""

from __future__ import annotations

import gc
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huifang.accounts.models import User
from huifang.audit.models import Action
from huifang.audit.services import Change, audit_record_many
from huifang.core.bulk import (
    insert_rows,
    use_large_cache,
    wal_write_back,
    wal_write_back_deferred,
)
from huifang.core.memory import cycle_collection_paused
from huifang.customers.imports.ahead import drafts_ahead
from huifang.customers.imports.checking import check_rows
from huifang.customers.imports.drafts import (
    CONTACT_COLUMNS,
    CUSTOMER_COLUMNS,
    PURCHASE_COLUMNS,
    Draft,
    Drafter,
    contact_values,
    describe,
    purchase_values,
)
from huifang.customers.imports.matching import (
    ExistingOrder,
    customers_with_pairs,
    customers_with_phones,
    existing_orders,
)
from huifang.customers.imports.reader import read_table
from huifang.customers.imports.rows import (
    ContactRecord,
    Group,
    Issue,
    Lookups,
    ProductRef,
    PurchaseRow,
    Record,
    Row,
    RowValidator,
    fold,
    group_rows,
)
from huifang.customers.models import (
    Contact,
    Customer,
    CustomerTag,
    ImportIssue,
    ImportJob,
    ImportStatus,
    IssueOutcome,
    MergedCustomer,
    Product,
    Purchase,
)
from huifang.customers.search_keys import company_key
from huifang.customers.services import (
    archive_analyze,
    customers_reclassify,
    plan_followups_after_commit,
    tags_named,
)

log = logging.getLogger(__name__)

# Customers matched and written at a time (and drafted ahead by the helper process).
CHUNK_GROUPS = 10_000
FIRST_CHUNK_GROUPS = 5_000
# A transaction takes chunks until it has held the write lock this long. Each commit writes
# every index page it touched; in an archive of a million, committing every 10,000
# customers rewrote the same pages ten times over (a third of the import's time). A few
# seconds stays well inside the 20 s other SQLite writers wait for the lock.
TRANSACTION_SECONDS = 4.0
# An import that grows the archive by a tenth changes its shape: refresh the statistics.
ANALYZE_AFTER_GROWTH = 0.10
PHASES = {
    "reading": gettext_lazy("Reading the file"),
    "checking": gettext_lazy("Checking rows"),
    "writing": gettext_lazy("Writing customers"),
    "classifying": gettext_lazy("Updating tiers"),
}


def lookups() -> Lookups:
    products: dict[str, ProductRef] = {}
    for product in Product.objects.all():
        ref = ProductRef(product.pk, str(product), product.unit_price)
        for key in (
            product.sku,
            f"{product.name} {product.model}",
            f"{product.name}{product.model}",
            product.name,
        ):
            if key.strip():
                products.setdefault(key.strip().lower(), ref)
    users: dict[str, int] = {}
    for pk, username, full_name in User.objects.filter(is_active=True).values_list(
        "pk", "username", "full_name"
    ):
        users[username] = users[username.lower()] = pk
        if full_name:
            users.setdefault(full_name, pk)
    return Lookups(products=products, users=users)


def reserve_ids(model: type[Customer], count: int) -> list[int]:
    """Ids for ``count`` new rows, safe against other writers: PostgreSQL hands them out
    from the sequence; SQLite holds the write lock for the whole chunk transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
    top = model.objects.aggregate(top=Max("pk"))["top"] or 0
    # The number of a customer merged away is never given again: old links lead to the
    # customer it was merged into, and its audit trail stays its own.
    top = max(top, MergedCustomer.objects.aggregate(top=Max("merged_id"))["top"] or 0)
    return list(range(top + 1, top + 1 + count))


@dataclass
class ChunkResult:
    outcomes: Counter[str] = field(default_factory=Counter)
    issues: list[Issue] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    merged_into: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)


class Importer:
    def __init__(self, job: ImportJob, today: date | None = None):
        self.job = job
        self.today = today or timezone.localdate()
        self.drafter = Drafter(job, self.today)
        self.skip = self.drafter.skip
        self.seen_orders: dict[str, tuple[int, PurchaseRow]] = {}

    # --- the whole run -------------------------------------------------------------------

    def run(self) -> ImportJob:
        try:
            with cycle_collection_paused(), wal_write_back_deferred():
                return self._run()
        finally:
            # After the job shows as done: housekeeping the user need not wait for.
            gc.collect()
            wal_write_back()

    def _run(self) -> ImportJob:
        job = self.job
        use_large_cache()  # inserts into ten indexes of a large table
        self._progress(
            status=ImportStatus.RUNNING,
            phase="reading",
            started_at=timezone.now(),
            finished_at=None,
            failure="",
            processed_rows=0,
            **{f"{k}_count": 0 for k in job.counts()},
        )
        ImportIssue.objects.filter(job=job).delete()
        table = read_table(job.file.path, job.original_name)
        mapping = {int(index): key for index, key in job.mapping.items()}
        validator = RowValidator(table.headings, mapping, lookups())
        self._progress(phase="checking", total_rows=len(table.rows))
        rows, rejected = check_rows(validator, table.rows)
        del table
        totals: Counter[str] = Counter(
            rejected=len({i.row for i in rejected if i.outcome == IssueOutcome.REJECTED})
        )
        self._save_issues(rejected)
        self._progress(
            phase="writing", processed_rows=totals["rejected"], rejected_count=totals["rejected"]
        )
        groups = group_rows(rows)
        before = Customer.objects.count()
        merged_into: set[int] = set()
        created: list[int] = []
        # The first chunk is drafted here, so it is smaller: the helper starts on the next
        # meanwhile, and the writes begin at once.
        first = min(FIRST_CHUNK_GROUPS, CHUNK_GROUPS)
        chunks = [groups[:first]] if groups else []
        chunks += [groups[i : i + CHUNK_GROUPS] for i in range(first, len(groups), CHUNK_GROUPS)]
        drafted = zip(chunks, drafts_ahead(self.drafter, chunks), strict=True)
        remaining = True
        while remaining:
            with transaction.atomic():
                self._lock()
                began = time.monotonic()
                for chunk, drafts in drafted:
                    result = self._write_chunk(chunk, drafts)
                    self._save_issues(result.issues)
                    totals.update(result.outcomes)
                    self._progress(
                        processed_rows=sum(totals.values()),
                        **{f"{key}_count": totals[key] for key in job.counts()},
                    )
                    merged_into.update(result.merged_into)
                    created.extend(result.created)
                    if time.monotonic() - began >= TRANSACTION_SECONDS:
                        break
                else:
                    remaining = False
        if merged_into:
            self._progress(phase="classifying")
            customers_reclassify(
                today=self.today, actor=job.created_by, customer_ids=sorted(merged_into)
            )
        if totals["created"] > ANALYZE_AFTER_GROWTH * before:
            archive_analyze()
        # Deliveries of the file are planned now, not by tonight's sweep.
        plan_followups_after_commit(sorted(merged_into.union(created)))
        self._progress(status=ImportStatus.DONE, phase="", finished_at=timezone.now())
        return job

    def _progress(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self.job, name, value)
        ImportJob.objects.filter(pk=self.job.pk).update(**fields)

    def _lock(self) -> None:
        # Two imports at once on PostgreSQL must not both create the same new customer.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('huifang.customers.import'))")

    def _save_issues(self, issues: Iterable[Issue]) -> None:
        ImportIssue.objects.bulk_create(
            [
                ImportIssue(
                    job=self.job,
                    row=issue.row,
                    column=issue.column[:80],
                    value=issue.value[:200],
                    reason=issue.reason[:300],
                    outcome=issue.outcome,
                )
                for issue in issues
            ],
            batch_size=2000,
        )

    # --- one chunk -----------------------------------------------------------------------

    def _write_chunk(self, groups: Sequence[Group], drafts: Sequence[Draft]) -> ChunkResult:
        result = ChunkResult()
        keys = [(group.phones, group.pairs) for group in groups]
        by_phone = customers_with_phones([p for phones, _ in keys for p in phones])
        by_pair = customers_with_pairs([p for _, pairs in keys for p in pairs])
        orders = existing_orders(
            [r.purchase.order_no for g in groups for r in g.rows if r.purchase]
        )
        new: list[tuple[Group, Draft]] = []
        existing: dict[int, list[tuple[Group, Record]]] = defaultdict(list)
        for group, draft, (phones, pairs) in zip(groups, drafts, keys, strict=True):
            matched = {by_phone[p] for p in phones if p in by_phone}
            matched |= {by_pair[p] for p in pairs if p in by_pair}
            if len(matched) > 1:
                ids = "、".join(str(i) for i in sorted(matched))
                reason = _(
                    "Matches several customers on file (nos. %(ids)s); "
                    "merge them first, then import again."
                ) % {"ids": ids}
                _settle(group.rows, reason, IssueOutcome.REJECTED, result)
                continue
            target = next(iter(matched), None)
            if self.skip:
                kept = self._skip_duplicates(group, target, result)
                if kept is None:
                    continue
                group = kept
            checked = self._check_orders(group, target, orders, result)
            if not checked.rows:
                continue
            if target is None:
                # The draft was made from exactly these rows unless orders were dropped.
                if checked is not group:
                    draft = self.drafter.draft(checked)
                result.issues.extend(draft.notes)
                new.append((checked, draft))
            else:
                record = fold(checked)
                result.issues.extend(record.notes)
                existing[target].append((checked, record))
        self._create(new, result)
        self._merge(existing, orders, result)
        if result.changes:
            audit_record_many(actor=self.job.created_by, model=Customer, changes=result.changes)
        return result

    def _skip_duplicates(
        self, group: Group, target: int | None, result: ChunkResult
    ) -> Group | None:
        if target is not None:
            reason = _("Already on file as customer no. %(id)d; skipped as you chose.")
            _settle(group.rows, reason % {"id": target}, IssueOutcome.SKIPPED, result)
            return None
        first = group.rows[0]
        reason = _("Same customer as row %(row)d; skipped as you chose.")
        _settle(group.rows[1:], reason % {"row": first.number}, IssueOutcome.SKIPPED, result)
        return self.drafter.candidate(group)

    def _check_orders(
        self,
        group: Group,
        target: int | None,
        orders: dict[str, ExistingOrder],
        result: ChunkResult,
    ) -> Group:
        """Drop rows whose order number repeats with other content, or belongs to someone
        else; a repeated identical order is the same order, not a second one. The file is
        asked first, so that the reason does not depend on which chunk wrote the first row.
        Returns ``group`` itself when it keeps every row and every order."""
        kept = []
        changed = False
        for row in group.rows:
            purchase = row.purchase
            if purchase is None:
                kept.append(row)
                continue
            reason = ""
            seen = self.seen_orders.get(purchase.order_no)
            on_file = orders.get(purchase.order_no)
            if seen is not None:
                same = seen[1].same_order(purchase) and seen[0] in {r.number for r in group.rows}
                if same:
                    row.purchase = None  # the same order again: nothing to add
                else:
                    reason = _(
                        "Order %(order)s already appears in row %(row)d with other details."
                    ) % {"order": purchase.order_no, "row": seen[0]}
            elif on_file is not None and on_file.customer_id != target:
                reason = _("Order %(order)s already belongs to customer no. %(id)d.") % {
                    "order": purchase.order_no,
                    "id": on_file.customer_id,
                }
            else:
                self.seen_orders[purchase.order_no] = (row.number, purchase)
            if reason:
                column = row.columns.get("order_no", "")
                result.issues.append(Issue(row.number, column, purchase.order_no, reason))
                result.outcomes["rejected"] += 1
            else:
                kept.append(row)
            changed = changed or seen is not None or bool(reason)
        return Group(rows=kept) if changed else group

    def _count_rows(self, groups: Sequence[Group], first: str, result: ChunkResult) -> None:
        """The first row of each group counts as ``first`` and the others as merged into
        it; rows that changed nothing all count as ``first`` (unchanged)."""
        further = sum(len(group.rows) for group in groups) - len(groups)
        result.outcomes[first] += len(groups)
        result.outcomes["merged" if first in {"created", "updated"} else first] += further

    # --- new customers -------------------------------------------------------------------

    def _create(self, new: list[tuple[Group, Draft]], result: ChunkResult) -> None:
        if not new:
            return
        now = _stored_now()
        ids = reserve_ids(Customer, len(new))
        result.created.extend(ids)
        tags = {tag.name: tag.pk for tag in tags_named(t for _g, d in new for t in d.tags)}
        customers: list[tuple[Any, ...]] = []
        contacts: list[tuple[Any, ...]] = []
        tag_rows: list[tuple[int, int]] = []
        purchases: list[tuple[Any, ...]] = []
        # Plain loops: a hundred thousand customers, and a generator per list costs more
        # than the one or two rows it would add.
        for customer_id, (_group, draft) in zip(ids, new, strict=True):
            customers.append((customer_id, *draft.customer, now, now))
            for contact in draft.contacts:
                contacts.append((customer_id, *contact))
            for name in draft.tags:
                tag_rows.append((customer_id, tags[name]))
            for purchase in draft.purchases:
                purchases.append((customer_id, *purchase))
            result.changes.append(
                Change(Action.IMPORT, customer_id, draft.label, draft.changes, draft.note)
            )
        self._count_rows([group for group, _draft in new], "created", result)
        _insert(Customer, ["id", *CUSTOMER_COLUMNS, "created_at", "updated_at"], customers)
        _insert(Contact, ["customer_id", *CONTACT_COLUMNS], contacts)
        _insert(CustomerTag, ["customer_id", "tag_id"], tag_rows)
        _insert(Purchase, ["customer_id", *PURCHASE_COLUMNS], purchases)

    # --- customers on file ---------------------------------------------------------------

    def _merge(
        self,
        existing: dict[int, list[tuple[Group, Record]]],
        orders: dict[str, ExistingOrder],
        result: ChunkResult,
    ) -> None:
        if not existing:
            return
        customers = Customer.objects.in_bulk(list(existing))
        contacts_of: dict[int, list[Contact]] = defaultdict(list)
        for contact in Contact.objects.filter(customer_id__in=list(existing)).order_by("id"):
            contacts_of[contact.customer_id].append(contact)
        tags_of: dict[int, set[str]] = defaultdict(set)
        for customer_id, name in CustomerTag.objects.filter(
            customer_id__in=list(existing)
        ).values_list("customer_id", "tag__name"):
            tags_of[customer_id].add(name)
        tags = {
            tag.name: tag.pk
            for tag in tags_named(
                t for pairs in existing.values() for _g, r in pairs for t in r.tags
            )
        }
        new_contacts: list[tuple[Any, ...]] = []
        new_tags: list[tuple[int, int]] = []
        new_purchases: list[tuple[Any, ...]] = []
        for customer_id, pairs in existing.items():
            customer = customers[customer_id]
            for group, record in pairs:
                changes: dict[str, Any] = {}
                fields = self._merge_fields(customer, group, record, changes, result)
                if fields:
                    Customer.objects.filter(pk=customer_id).update(
                        updated_at=timezone.now(), **fields
                    )
                added = self._merge_contacts(
                    customer, contacts_of[customer_id], record, new_contacts
                )
                if added:
                    changes["contacts"] = [[], added]
                missing = [t for t in record.tags if t not in tags_of[customer_id]]
                if missing:
                    changes["tags"] = [
                        sorted(tags_of[customer_id]),
                        sorted(tags_of[customer_id] | set(missing)),
                    ]
                    tags_of[customer_id].update(missing)
                    new_tags.extend((customer_id, tags[name]) for name in missing)
                added_orders = self._merge_orders(
                    customer_id, record, orders, new_purchases, result
                )
                if added_orders:
                    changes["orders"] = [[], added_orders]
                if changes:
                    result.changes.append(
                        Change(
                            Action.MERGE,
                            customer_id,
                            str(customer),
                            changes,
                            self.drafter.rows_note(group),
                        )
                    )
                    result.merged_into.append(customer_id)
                    self._count_rows([group], "updated", result)
                else:
                    self._count_rows([group], "unchanged", result)
        _insert(Contact, ["customer_id", *CONTACT_COLUMNS], new_contacts)
        _insert(CustomerTag, ["customer_id", "tag_id"], new_tags)
        _insert(Purchase, ["customer_id", *PURCHASE_COLUMNS], new_purchases)

    def _merge_fields(
        self,
        customer: Customer,
        group: Group,
        record: Record,
        changes: dict[str, Any],
        result: ChunkResult,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        row = group.rows[0]
        for key, value in record.profile.items():
            current = getattr(customer, key)
            if not value or value == current:
                continue
            if not current:
                fields[key] = value
            else:
                result.issues.append(
                    Issue(
                        row.number,
                        row.columns.get(key, ""),
                        value,
                        _("Customer no. %(id)d has “%(kept)s” on file; that value was kept.")
                        % {"id": customer.pk, "kept": current},
                        IssueOutcome.NOTE,
                    )
                )
        owner_id = record.owner_id or self.job.default_owner_id
        if customer.owner_id is None and owner_id:
            fields["owner_id"] = owner_id
        if customer.team_id is None:
            _owner, team_id = self.drafter.owner_and_team(
                fields.get("owner_id") or customer.owner_id
            )
            if team_id:
                fields["team_id"] = team_id
        if not customer.preferred_channel and record.preferred_channel:
            fields["preferred_channel"] = record.preferred_channel
        if customer.preferred_window_start is None and record.window:
            fields["preferred_window_start"], fields["preferred_window_end"] = record.window
        if record.opted_out and not customer.opted_out:
            fields["opted_out"] = True  # an opt-out is always honoured; never undone by a file
        for key, value in fields.items():
            before = getattr(customer, key)
            names = self.drafter.names.get(key, {})
            changes[key.removesuffix("_id")] = [names.get(before, before), names.get(value, value)]
            setattr(customer, key, value)
        if "company" in fields:
            fields["company_key"] = company_key(fields["company"])
        return fields

    def _merge_contacts(
        self,
        customer: Customer,
        known: list[Contact],
        record: Record,
        new_rows: list[tuple[Any, ...]],
    ) -> list[str]:
        added = []
        by_phone = {c.phone: c for c in known if c.phone}
        emails = {c.email for c in known if c.email}
        wechats = {c.wechat_id for c in known if c.wechat_id}
        for contact in record.contacts:
            mine = by_phone.get(contact.phone) if contact.phone else None
            if mine is not None:
                fill = {}
                if not mine.email and contact.email and contact.email not in emails:
                    fill["email"] = contact.email
                if not mine.wechat_id and contact.wechat_id and contact.wechat_id not in wechats:
                    fill["wechat_id"] = contact.wechat_id
                if fill:
                    Contact.objects.filter(pk=mine.pk).update(**fill)
                    for key, value in fill.items():
                        setattr(mine, key, value)
                    added.append(
                        describe(ContactRecord(mine.name, mine.phone, mine.email, mine.wechat_id))
                    )
                continue
            if (
                not contact.phone
                and (contact.email in emails or not contact.email)
                and (contact.wechat_id in wechats or not contact.wechat_id)
            ):
                continue
            new_rows.append((customer.pk, *contact_values(contact, not known)))
            known.append(
                Contact(
                    customer_id=customer.pk,
                    name=contact.name,
                    phone=contact.phone,
                    email=contact.email,
                    wechat_id=contact.wechat_id,
                )
            )
            if contact.phone:
                by_phone[contact.phone] = known[-1]
            emails.add(contact.email)
            wechats.add(contact.wechat_id)
            added.append(describe(contact))
        return added

    def _merge_orders(
        self,
        customer_id: int,
        record: Record,
        orders: dict[str, ExistingOrder],
        new_rows: list[tuple[Any, ...]],
        result: ChunkResult,
    ) -> list[str]:
        added = []
        for _row, purchase in record.purchases:
            on_file = orders.get(purchase.order_no)
            if on_file is None:
                new_rows.append((customer_id, *purchase_values(purchase)))
                orders[purchase.order_no] = ExistingOrder(
                    0,
                    customer_id,
                    purchase.delivered_on,
                    purchase.first_used_on,
                    purchase.contract_end_on,
                )
                added.append(purchase.order_no)
                continue
            fill = {
                key: getattr(purchase, key)
                for key in ("delivered_on", "first_used_on", "contract_end_on")
                if getattr(on_file, key) is None and getattr(purchase, key) is not None
            }
            if fill and on_file.id:
                Purchase.objects.filter(pk=on_file.id).update(**fill)
                for key, value in fill.items():
                    setattr(on_file, key, value)
                added.append(purchase.order_no)
        return added


def _stored_now() -> Any:
    """Now, as the database stores it: an aware datetime for PostgreSQL's COPY; for SQLite
    the naive UTC text Django itself writes (see _insert)."""
    now = timezone.now()
    if connection.vendor == "sqlite":
        return now.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return now


def _insert(model: type[Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """core.bulk.insert_rows, without its per-value pass on SQLite (which turns datetimes
    into text): these rows hold their one timestamp as text already (_stored_now), and at
    a hundred thousand rows of 25 columns that pass alone costs a second."""
    if not rows:
        return
    if connection.vendor != "sqlite":
        insert_rows(model, columns, rows)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _settle(rows: Sequence[Row], reason: str, outcome: str, result: ChunkResult) -> None:
    """Every one of ``rows`` ends as ``outcome`` (rejected or skipped), for ``reason``."""
    for row in rows:
        result.issues.append(Issue(row.number, "", row.values.get("name", ""), reason, outcome))
        result.outcomes[outcome] += 1
