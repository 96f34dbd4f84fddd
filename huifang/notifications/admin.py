from django.contrib import admin

from huifang.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "acknowledged_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
