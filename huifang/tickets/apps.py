from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "huifang.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # Tickets on the customer 360 timeline.
        from huifang.customers.timeline import register_timeline_provider
        from huifang.tickets.timeline import ticket_entries

        register_timeline_provider("tickets", ticket_entries)
