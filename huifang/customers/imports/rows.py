"""Validate import rows one by one and group the rows that are the same customer."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huifang.customers.imports.fields import BY_KEY, PURCHASE_KEYS
from huifang.customers.imports.reader import column_letter, text_of
from huifang.customers.imports.values import (
    CellError,
    parse_amount,
    parse_channel,
    parse_date,
    parse_email,
    parse_quantity,
    parse_text,
    parse_window,
    parse_yes_no,
)
from huifang.customers.models import IssueOutcome
from huifang.customers.phones import PhoneError, normalize_phone
from huifang.customers.services import split_tags

PROFILE_KEYS = ("name", "company", "region", "city", "industry")
LATER_THAN_PURCHASE = (
    ("delivered_on", gettext_lazy("delivery date")),
    ("first_used_on", gettext_lazy("first-use date")),
)
TEXT_LIMITS = {
    "name": 80,
    "company": 120,
    "region": 40,
    "city": 40,
    "industry": 40,
    "wechat_id": 60,
    "order_no": 40,
}


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    value: str
    reason: str
    outcome: str = IssueOutcome.REJECTED


@dataclass(frozen=True)
class ProductRef:
    id: int
    label: str
    unit_price: Decimal


@dataclass
class PurchaseRow:
    product: ProductRef
    quantity: int
    amount: Decimal
    purchased_on: date
    delivered_on: date | None
    first_used_on: date | None
    contract_end_on: date | None
    order_no: str = ""

    def same_order(self, other: PurchaseRow) -> bool:
        return (
            self.product.id,
            self.quantity,
            self.amount,
            self.purchased_on,
            self.delivered_on,
            self.first_used_on,
            self.contract_end_on,
        ) == (
            other.product.id,
            other.quantity,
            other.amount,
            other.purchased_on,
            other.delivered_on,
            other.first_used_on,
            other.contract_end_on,
        )


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    columns: dict[str, str]  # field key → "C 手机", for notes about the row
    purchase: PurchaseRow | None = None
    owner_id: int | None = None
    phone: str = ""

    def dedupe_keys(self) -> list[str]:
        """What makes two rows the same customer (C7): the same normalised phone, or the
        same company and name."""
        keys = []
        if self.phone:
            keys.append("p:" + self.phone)
        if self.values.get("company"):
            keys.append("c:" + self.values["company"] + "\x00" + self.values["name"])
        return keys


@dataclass
class Lookups:
    products: Mapping[str, ProductRef]  # by lower-case SKU, name and "name model"
    users: Mapping[str, int]  # by username and by full name


class RowValidator:
    """Turns the cells of one row into a Row, or into the reasons it cannot be imported.

    ``mapping`` maps column indexes to field keys; every problem names its column.
    """

    def __init__(self, headings: Sequence[str], mapping: Mapping[int, str], lookups: Lookups):
        self.mapping = dict(mapping)
        self.lookups = lookups
        self.column_names = {
            key: f"{column_letter(index)} {headings[index]}" for index, key in mapping.items()
        }
        # A file repeats its dates and amounts thousands of times: each distinct cell is
        # read once (by type too: 1 and 1.0 and True are different cells).
        dates = functools.lru_cache(maxsize=4096, typed=True)(parse_date)
        self.parsers: dict[str, Callable[[Any], Any]] = {
            "phone": self._phone,
            "email": parse_email,
            "preferred_channel": parse_channel,
            "preferred_window": parse_window,
            "opted_out": parse_yes_no,
            "quantity": parse_quantity,
            "amount": functools.lru_cache(maxsize=4096, typed=True)(parse_amount),
            "purchased_on": dates,
            "delivered_on": dates,
            "first_used_on": dates,
            "contract_end_on": dates,
            "tags": self._tags,
        }
        self.purchase_keys = [key for key in self.mapping.values() if key in PURCHASE_KEYS]
        self.has_purchase_columns = bool(self.purchase_keys)
        # One parser per column, decided once: this loop runs for every cell of the file.
        self.steps = [(index, key, self._parser(key)) for index, key in self.mapping.items()]
        self.keys = tuple(key for _index, key, _parse in self.steps)

    @staticmethod
    def _phone(cell: Any) -> str:
        text = text_of(cell)
        if not text:
            return ""
        try:
            return normalize_phone(text)
        except PhoneError as error:
            raise CellError(str(error)) from None

    @staticmethod
    def _tags(cell: Any) -> list[str]:
        tags = split_tags(text_of(cell))
        too_long = [tag for tag in tags if len(tag) > 30]
        if too_long:
            raise CellError(
                _("Tag “%(tag)s” is too long; keep tags to 30 characters.") % {"tag": too_long[0]}
            )
        return tags

    def _parser(self, key: str) -> Callable[[Any], Any]:
        if key in self.parsers:
            return self.parsers[key]
        limit = TEXT_LIMITS.get(key)
        if limit:
            # Translated once: a lazy label costs a catalogue lookup every time it is read.
            return functools.partial(parse_text, max_length=limit, label=str(BY_KEY[key].label))
        return text_of

    def validate(self, number: int, cells: Sequence[Any]) -> tuple[Row | None, list[Issue]]:
        issues: list[Issue] = []
        values: dict[str, Any] = {}
        width = len(cells)
        for index, key, parse in self.steps:
            cell = cells[index] if index < width else ""
            try:
                values[key] = parse(cell)
            except CellError as error:
                issues.append(
                    Issue(number, self.column_names[key], text_of(cell)[:200], str(error))
                )
        name_column = self.column_names.get("name")
        if not values.get("name") and not any(i.column == name_column for i in issues):
            issues.append(
                Issue(
                    number,
                    self.column_names["name"],
                    "",
                    _("The name is missing; every customer needs one."),
                )
            )
        key_columns = (self.column_names.get("phone"), self.column_names.get("company"))
        if (
            "name" in values
            and not values.get("phone")
            and not values.get("company")
            and not any(issue.column in key_columns for issue in issues)
        ):
            issues.append(
                Issue(
                    number,
                    self.column_names.get("phone") or self.column_names.get("company", ""),
                    "",
                    _(
                        "Enter a mobile number or a company: "
                        "they tell whether the customer is already on file."
                    ),
                )
            )
        row = Row(
            number=number, values=values, columns=self.column_names, phone=values.get("phone") or ""
        )
        self._owner(row, issues)
        if self.has_purchase_columns:
            self._purchase(row, issues)
        if any(issue.outcome == IssueOutcome.REJECTED for issue in issues):
            return None, issues
        return row, issues

    def _owner(self, row: Row, issues: list[Issue]) -> None:
        wanted = row.values.get("owner")
        if not wanted:
            return
        row.owner_id = self.lookups.users.get(wanted) or self.lookups.users.get(wanted.lower())
        if row.owner_id is None:
            issues.append(
                Issue(
                    row.number,
                    self.column_names["owner"],
                    wanted,
                    _("No user is called “%(owner)s”; the customer was given the default owner.")
                    % {"owner": wanted},
                    IssueOutcome.NOTE,
                )
            )

    def _purchase(self, row: Row, issues: list[Issue]) -> None:
        values = row.values
        failed = {issue.column for issue in issues} if issues else set()
        column = self.column_names.get
        if not any(values.get(key) or column(key) in failed for key in self.purchase_keys):
            return
        product = None
        wanted = str(values.get("product") or "")
        if not wanted:
            issues.append(
                Issue(
                    row.number,
                    column("product", ""),
                    "",
                    _("The row has an order but no product; enter the product's SKU or name."),
                )
            )
        else:
            product = self.lookups.products.get(wanted.lower())
            if product is None:
                issues.append(
                    Issue(
                        row.number,
                        column("product", ""),
                        wanted,
                        _(
                            "“%(product)s” is not in the product catalogue; "
                            "use its SKU or name, or add the product first."
                        )
                        % {"product": wanted},
                    )
                )
        purchased_on = values.get("purchased_on")
        if not purchased_on and column("purchased_on") not in failed:
            issues.append(
                Issue(
                    row.number,
                    column("purchased_on", ""),
                    "",
                    _("The row has an order but no purchase date."),
                )
            )
        if product is None or not purchased_on:
            return
        for key, label in LATER_THAN_PURCHASE:
            if values.get(key) and values[key] < purchased_on:
                issues.append(
                    Issue(
                        row.number,
                        column(key, ""),
                        values[key].isoformat(),
                        _("The %(what)s is before the purchase date %(day)s.")
                        % {"what": label, "day": purchased_on.isoformat()},
                    )
                )
        if (
            values.get("first_used_on")
            and values.get("delivered_on")
            and values["first_used_on"] < values["delivered_on"]
        ):
            issues.append(
                Issue(
                    row.number,
                    column("first_used_on", ""),
                    values["first_used_on"].isoformat(),
                    _("The first use is before the delivery date %(day)s.")
                    % {"day": values["delivered_on"].isoformat()},
                )
            )
        quantity = values.get("quantity") or 1
        amount = values.get("amount")
        row.purchase = PurchaseRow(
            product=product,
            quantity=quantity,
            amount=amount if amount is not None else product.unit_price * quantity,
            purchased_on=purchased_on,
            delivered_on=values.get("delivered_on"),
            first_used_on=values.get("first_used_on"),
            contract_end_on=values.get("contract_end_on"),
            order_no=str(values.get("order_no") or ""),
        )
        if not row.purchase.order_no:
            row.purchase.order_no = generated_order_no(row, row.purchase)


def generated_order_no(row: Row, purchase: PurchaseRow) -> str:
    """A stable order number for an order the file gave none: importing the same row
    again finds the same order instead of adding it twice."""
    who = (row.dedupe_keys() or [row.values.get("name", "")])[0]
    what = (
        f"{who}|{purchase.product.id}|{purchase.purchased_on}|{purchase.quantity}|{purchase.amount}"
    )
    return "IMP-" + hashlib.sha1(what.encode()).hexdigest()[:16].upper()


@dataclass
class Group:
    """Rows of one file that are one customer (same phone, or same company and name)."""

    rows: list[Row] = field(default_factory=list)

    # Plain properties: most groups are one row, and Python 3.11's cached_property takes a
    # lock on every read, which costs more than the list it would save.
    @property
    def phones(self) -> list[str]:
        if len(self.rows) == 1:
            return [self.rows[0].phone] if self.rows[0].phone else []
        return list(dict.fromkeys(row.phone for row in self.rows if row.phone))

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(
            dict.fromkeys(
                (row.values["company"], row.values["name"])
                for row in self.rows
                if row.values.get("company")
            )
        )


def group_rows(rows: Sequence[Row]) -> list[Group]:
    """Union rows that share a key, transitively (A~B by phone, B~C by company+name)."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for index, row in enumerate(rows):
        for key in row.dedupe_keys():
            if key in first_with:
                a, b = find(first_with[key]), find(index)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first_with[key] = index
    groups: dict[int, Group] = {}
    for index, row in enumerate(rows):
        groups.setdefault(find(index), Group()).rows.append(row)
    return list(groups.values())


@dataclass
class ContactRecord:
    name: str
    phone: str = ""
    email: str = ""
    wechat_id: str = ""


@dataclass
class Record:
    """A group folded into one customer: the first non-empty value of each field wins."""

    profile: dict[str, str]
    owner_id: int | None
    preferred_channel: str
    window: tuple[time, time] | None
    opted_out: bool
    tags: list[str]
    contacts: list[ContactRecord]
    purchases: list[tuple[Row, PurchaseRow]]
    notes: list[Issue]


def fold(group: Group) -> Record:
    if len(group.rows) == 1:
        return _fold_one(group.rows[0])
    first = group.rows[0]
    profile = dict.fromkeys(PROFILE_KEYS, "")
    notes: list[Issue] = []
    chosen_from: dict[str, int] = {}
    for row in group.rows:
        for key in PROFILE_KEYS:
            value = row.values.get(key) or ""
            if not value:
                continue
            if not profile[key]:
                profile[key] = value
                chosen_from[key] = row.number
            elif value != profile[key]:
                notes.append(
                    Issue(
                        row.number,
                        row.columns.get(key, ""),
                        value,
                        _(
                            "Same customer as row %(row)d, which says “%(kept)s”; "
                            "that value was kept."
                        )
                        % {"row": chosen_from[key], "kept": profile[key]},
                        IssueOutcome.NOTE,
                    )
                )
    contacts: dict[str, ContactRecord] = {}
    loose: list[tuple[str, str]] = []
    for row in group.rows:
        email, wechat = row.values.get("email") or "", row.values.get("wechat_id") or ""
        if row.phone:
            known = contacts.setdefault(
                row.phone, ContactRecord(name=row.values["name"], phone=row.phone)
            )
            known.email = known.email or email
            known.wechat_id = known.wechat_id or wechat
        elif email or wechat:
            loose.append((email, wechat))
    contact_list = list(contacts.values())
    for email, wechat in loose:
        target = next((c for c in contact_list if not c.email and not c.wechat_id), None)
        if target is None:
            if any(c.email == email and c.wechat_id == wechat for c in contact_list):
                continue
            target = ContactRecord(name=first.values["name"])
            contact_list.append(target)
        target.email, target.wechat_id = target.email or email, target.wechat_id or wechat
    tags: list[str] = []
    for row in group.rows:
        for tag in row.values.get("tags") or []:
            if tag not in tags:
                tags.append(tag)
    return Record(
        profile=profile,
        owner_id=next((row.owner_id for row in group.rows if row.owner_id), None),
        preferred_channel=next(
            (v for r in group.rows if (v := r.values.get("preferred_channel"))), ""
        ),
        window=next((v for r in group.rows if (v := r.values.get("preferred_window"))), None),
        opted_out=any(row.values.get("opted_out") for row in group.rows),
        tags=tags,
        contacts=contact_list,
        purchases=[(row, row.purchase) for row in group.rows if row.purchase],
        notes=notes,
    )


def _fold_one(row: Row) -> Record:
    """The common case, a customer on one row, without the bookkeeping of merging."""
    values = row.values
    email, wechat = values.get("email") or "", values.get("wechat_id") or ""
    contacts = []
    if row.phone or email or wechat:
        contacts.append(ContactRecord(values["name"], row.phone, email, wechat))
    return Record(
        profile={key: values.get(key) or "" for key in PROFILE_KEYS},
        owner_id=row.owner_id,
        preferred_channel=values.get("preferred_channel") or "",
        window=values.get("preferred_window"),
        opted_out=bool(values.get("opted_out")),
        tags=list(dict.fromkeys(values.get("tags") or [])),
        contacts=contacts,
        purchases=[(row, row.purchase)] if row.purchase else [],
        notes=[],
    )
