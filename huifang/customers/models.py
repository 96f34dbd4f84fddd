from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    VIP = "vip", _("VIP")
    KEY = "key", _("Key")
    NORMAL = "normal", _("Normal")


class ProductClass(models.TextChoices):
    HIGH_VALUE_DURABLE = "high_value_durable", _("High-value durable")
    MID_PRICE_CONSUMABLE = "mid_price_consumable", _("Mid-price consumable")
    LOW_PRICE_FAST_MOVING = "low_price_fast_moving", _("Low-price fast-moving")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat")


class ContactLevel(models.IntegerChoices):
    LESS = -1, _("Less contact")
    NORMAL = 0, _("Normal")
    MORE = 1, _("More contact")


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=80)
    company = models.CharField(_("company"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    industry = models.CharField(_("industry"), max_length=40, blank=True)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.NORMAL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_customers",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    # Contact preferences (C5, F6): always honoured by the planner.
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, blank=True
    )
    preferred_window_start = models.TimeField(_("preferred contact from"), null=True, blank=True)
    preferred_window_end = models.TimeField(_("preferred contact until"), null=True, blank=True)
    refused_channels = models.JSONField(_("refused channels"), default=list, blank=True)
    opted_out = models.BooleanField(_("do not follow up (opt-out)"), default=False)
    contact_level = models.SmallIntegerField(
        _("contact frequency wish"), choices=ContactLevel.choices, default=ContactLevel.NORMAL
    )
    # Kept up to date by the ticket side; routine care is deferred after a complaint (F6).
    last_complaint_at = models.DateTimeField(_("last complaint"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["team", "id"], name="customer_team_idx"),
            models.Index(fields=["owner", "id"], name="customer_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.company}）" if self.company else self.name


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=80)
    # Normalised E.164, e.g. +8613812345678, so that duplicates are found by equality.
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    wechat_id = models.CharField(_("WeChat ID"), max_length=60, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    model = models.CharField(_("model"), max_length=60, blank=True)
    line = models.CharField(_("product line"), max_length=60, blank=True)
    unit_price = models.DecimalField(_("unit price (CNY)"), max_digits=12, decimal_places=2)
    product_class = models.CharField(
        _("product class"), max_length=30, choices=ProductClass.choices
    )
    repurchase_cycle_days = models.PositiveIntegerField(
        _("repurchase cycle (days)"), null=True, blank=True
    )

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.name} {self.model}".strip()


class Purchase(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="purchases"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="purchases"
    )
    order_no = models.CharField(_("order number"), max_length=40, unique=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    purchased_on = models.DateField(_("purchase date"))
    delivered_on = models.DateField(_("delivery date"), null=True, blank=True)
    first_used_on = models.DateField(_("first-use date"), null=True, blank=True)
    contract_end_on = models.DateField(_("warranty/contract end"), null=True, blank=True)

    class Meta:
        ordering = ["-purchased_on", "-id"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        indexes = [
            models.Index(fields=["customer", "purchased_on"], name="purchase_customer_idx"),
            models.Index(fields=["delivered_on"], name="purchase_delivered_idx"),
        ]

    def __str__(self) -> str:
        return self.order_no
