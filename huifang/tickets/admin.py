from django.contrib import admin

from huifang.tickets.models import RoutingRule, SlaPolicy, Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "customer", "category", "severity", "status", "owner"]
    list_filter = ["status", "category", "severity"]
    raw_id_fields = ["customer", "followup", "owner", "created_by"]


admin.site.register(SlaPolicy)
admin.site.register(RoutingRule)
