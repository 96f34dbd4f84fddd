"""One timeline per customer (客户360), fed by whoever has something to say about them.

The archive contributes purchases, deliveries, first use, contract ends and changes to the
record. Other apps register a provider, typically in their AppConfig.ready()::

    from huifang.customers.timeline import TimelineEntry, register_timeline_provider

    def followups(customer, user):
        for f in customer.followups.all():
            yield TimelineEntry(at=f.due_at, kind="followup", title=f.purpose, url=...)

    register_timeline_provider("followups", followups)

A provider receives the viewing user so that it can leave out what that user may not see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.audit.models import AuditEntry
from huifang.audit.selectors import entries_for
from huifang.customers.models import Customer, MergedCustomer


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # aware; date-only facts sit at local midnight with all_day=True
    kind: str  # purchase, delivery, first_use, contract_end, change, followup, ticket…
    title: str
    url: str = ""
    detail: str = ""
    all_day: bool = False

    def is_upcoming(self) -> bool:
        return self.at > timezone.now()


TimelineProvider = Callable[[Customer, User], Iterable[TimelineEntry]]
_providers: dict[str, TimelineProvider] = {}


def register_timeline_provider(name: str, provider: TimelineProvider) -> None:
    """Add (or replace) the provider called ``name``."""
    _providers[name] = provider


def unregister_timeline_provider(name: str) -> None:
    _providers.pop(name, None)


def on_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def customer_timeline(customer: Customer, user: User, limit: int = 200) -> list[TimelineEntry]:
    """Every provider's entries, newest (or furthest ahead) first."""
    entries: list[TimelineEntry] = []
    for provider in _providers.values():
        entries.extend(provider(customer, user))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def purchase_entries(customer: Customer, user: User) -> Iterable[TimelineEntry]:
    for purchase in customer.purchases.select_related("product"):
        what = f"{purchase.product} × {purchase.quantity}"
        detail = _("Order %(order)s, ¥%(amount)s") % {
            "order": purchase.order_no,
            "amount": f"{purchase.amount:,.2f}",
        }
        milestones = (
            (purchase.purchased_on, "purchase", _("Purchased %(what)s")),
            (purchase.delivered_on, "delivery", _("Delivered %(what)s")),
            (purchase.first_used_on, "first_use", _("First use of %(what)s")),
            (purchase.contract_end_on, "contract_end", _("Warranty/contract of %(what)s ends")),
        )
        for day, kind, title in milestones:
            if day:
                yield TimelineEntry(
                    at=on_day(day),
                    kind=kind,
                    title=title % {"what": what},
                    detail=detail,
                    all_day=True,
                )


def merged_entries_for(customer: Customer) -> QuerySet[AuditEntry]:
    """The audit entries of the customers merged into this one (their rows are gone, their
    trail is not), newest first: one query through audit_target_idx. Ordered by ``at``,
    which has no index, so the database cannot walk the primary key backwards instead."""
    merged_ids = MergedCustomer.objects.filter(into=customer).values("merged_id")
    return (
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Customer), target_id__in=merged_ids
        )
        .select_related("actor", "target_type")
        .order_by("-at", "-id")
    )


def change_entries(customer: Customer, user: User) -> Iterable[TimelineEntry]:
    for entry in entries_for(customer)[:100]:
        yield _change_entry(entry)
    for entry in merged_entries_for(customer)[:100]:
        yield _change_entry(entry, merged_from=entry.target_id)


def _change_entry(entry: AuditEntry, merged_from: int | None = None) -> TimelineEntry:
    labels = "、".join(label for label, _before, _after in entry.readable_changes())
    title = _("%(who)s: %(action)s") % {"who": entry.who, "action": entry.get_action_display()}
    if merged_from is not None:
        title += " · " + _("from merged customer no. %(id)d") % {"id": merged_from}
    # A note that starts with the changed field's name ("订单 SO-…") says it once.
    detail = entry.note if labels and entry.note.startswith(labels) else f"{labels} {entry.note}"
    return TimelineEntry(at=entry.at, kind="change", title=title, detail=detail.strip())


register_timeline_provider("purchases", purchase_entries)
register_timeline_provider("changes", change_entries)
