from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from huifang.customers.models import (
    ArchiveSettings,
    Contact,
    Customer,
    ImportJob,
    Product,
    Purchase,
    Tag,
)
from huifang.domain.classification import product_class


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "tier", "owner", "team"]
    list_filter = ["tier", "team"]
    search_fields = ["name", "company"]
    show_full_result_count = False  # no COUNT(*) over a million rows on every page
    raw_id_fields = ["owner", "team"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """The price class follows the unit price (C3) under the archive's thresholds."""

    list_display = ["sku", "name", "model", "unit_price", "product_class"]
    readonly_fields = ["product_class"]

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        thresholds = ArchiveSettings.load().product_thresholds()
        obj.product_class = product_class(obj.unit_price, thresholds).value
        super().save_model(request, obj, form, change)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "original_name", "status", "created_by", "created_at"]
    readonly_fields = [field.name for field in ImportJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin.site.register(Contact)
admin.site.register(Purchase)
admin.site.register(Tag)
