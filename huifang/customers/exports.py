"""Export a filtered customer list to .xlsx, streaming rows (openpyxl write-only mode)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huifang.customers.models import Customer, Tier
from huifang.customers.phones import display_phone, mask_phone

CHUNK = 2000


def _batches(customers: QuerySet[Customer]) -> Iterator[list[Customer]]:
    """Keyset batches (newest first), each with its contacts and tags prefetched."""
    after = None
    while True:
        batch_qs = customers if after is None else customers.filter(id__lt=after)
        batch = list(
            batch_qs.select_related("owner", "team").prefetch_related("contacts", "tags")[:CHUNK]
        )
        if not batch:
            return
        yield batch
        after = batch[-1].pk


def write_customers(customers: QuerySet[Customer], out: IO[bytes], *, full_phones: bool) -> int:
    """Write ``customers`` (ordered newest first) to ``out``; phones masked unless
    ``full_phones``. Returns how many customers were written."""
    show = display_phone if full_phones else mask_phone
    tiers = dict(Tier.choices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Customers"))
    sheet.append(
        [
            _("No."),
            _("Customer name"),
            _("Company"),
            _("Region"),
            _("City"),
            _("Industry"),
            _("Tier"),
            _("Segments"),
            _("Owner"),
            _("Team"),
            _("Mobile or phone"),
            _("Email"),
            _("WeChat ID"),
            _("Tags"),
            _("Preferred channel"),
            _("Do not follow up (opt-out)"),
        ]
    )
    written = 0
    for batch in _batches(customers):
        for customer in batch:
            contacts = list(customer.contacts.all())
            sheet.append(
                [
                    customer.pk,
                    customer.name,
                    customer.company,
                    customer.region,
                    customer.city,
                    customer.industry,
                    str(tiers.get(customer.tier, customer.tier)),
                    "、".join(customer.segment_labels()),
                    customer.owner.display_name if customer.owner else "",
                    customer.team.name if customer.team else "",
                    "、".join(show(c.phone) for c in contacts if c.phone),
                    "、".join(c.email for c in contacts if c.email),
                    "、".join(c.wechat_id for c in contacts if c.wechat_id),
                    "、".join(tag.name for tag in customer.tags.all()),
                    customer.get_preferred_channel_display(),
                    _("Yes") if customer.opted_out else "",
                ]
            )
            written += 1
    workbook.save(out)
    return written
