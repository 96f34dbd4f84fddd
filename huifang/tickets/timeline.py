from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.customers.models import Customer
from huifang.customers.timeline import TimelineEntry
from huifang.tickets.selectors import tickets_of_customer


def ticket_entries(customer: Customer, user: User) -> Iterable[TimelineEntry]:
    for ticket in tickets_of_customer(user, customer)[:100]:
        yield TimelineEntry(
            at=ticket.opened_at,
            kind="ticket",
            title=_("Ticket %(number)s: %(title)s")
            % {"number": ticket.number, "title": ticket.title},
            url=reverse("tickets:detail", args=[ticket.pk]),
            detail=f"{ticket.get_category_display()} · {ticket.get_severity_display()} · "
            f"{ticket.get_status_display()}",
        )
