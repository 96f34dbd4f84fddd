from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huifang.customers.classify import Rules
from huifang.domain import classification


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


class Flag(models.TextChoices):
    NEW = "new", _("New customer")
    LONG_TERM = "long_term", _("Long-term customer")
    COMPLAINT_HISTORY = "complaint_history", _("Complaint history")
    LOW_SATISFACTION = "low_satisfaction", _("Low past satisfaction")


class Segment(models.TextChoices):
    HIGH_VALUE = "high_value", _("High value")
    POTENTIAL = "potential", _("Potential")
    CHURN_RISK = "churn_risk", _("Churn risk")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


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
        db_index=False,  # customer_owner_idx (owner, id) serves lookups and keyset pages
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
        db_index=False,  # customer_team_idx (team, id) serves lookups and keyset pages
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
    tags: models.ManyToManyField[Tag, CustomerTag] = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, through="CustomerTag", related_name="customers"
    )
    # C4, computed from purchases (and complaints, satisfaction) by customers_reclassify.
    flags = models.JSONField(_("flags"), default=list, blank=True)
    segment_high_value = models.BooleanField(_("high value"), default=False)
    segment_potential = models.BooleanField(_("potential"), default=False)
    segment_churn_risk = models.BooleanField(_("churn risk"), default=False)
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    # Search keys, computed on every write (see search_keys.py).
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, blank=True, editable=False)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=80, blank=True, editable=False
    )
    company_key = models.CharField(_("trade name"), max_length=120, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        # Prefix searches: PostgreSQL answers LIKE 'x%' from a *_pattern_ops index whatever
        # the database collation; SQLite ignores opclasses and gets a range (selectors.py).
        # Every index costs each of the million inserts of an import: none for tier or
        # region, whose values each cover a tenth of the archive (a keyset page filtered
        # by them finds its 50 rows by walking the primary key).
        indexes = [
            models.Index(fields=["team", "id"], name="customer_team_idx"),
            models.Index(fields=["owner", "id"], name="customer_owner_idx"),
            # Duplicates (company = … AND name = …) and company prefix searches alike.
            models.Index(
                fields=["company", "name"],
                name="customer_company_name_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name"], name="customer_name_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["company_key"],
                name="customer_tradename_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_pinyin"],
                name="customer_pinyin_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_initials"],
                name="customer_initials_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.company}）" if self.company else self.name

    def segments(self) -> list[str]:
        return [
            segment
            for segment, on in (
                (Segment.HIGH_VALUE, self.segment_high_value),
                (Segment.POTENTIAL, self.segment_potential),
                (Segment.CHURN_RISK, self.segment_churn_risk),
            )
            if on
        ]

    def segment_labels(self) -> list[str]:
        return [str(Segment(s).label) for s in self.segments()]

    def flag_labels(self) -> list[str]:
        return [str(Flag(f).label) for f in self.flags if f in Flag.values]


class CustomerTag(models.Model):
    # Both lookups are covered by the two composite indexes below.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        constraints = [
            models.UniqueConstraint(fields=["customer", "tag"], name="customer_tag_unique")
        ]
        indexes = [models.Index(fields=["tag", "customer"], name="customer_tag_by_tag_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.tag_id}"


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=80)
    # Normalised E.164, e.g. +8613812345678, so that duplicates are found by equality;
    # an extension follows as ;ext=8001 (phones.py).
    phone = models.CharField(_("phone"), max_length=32, blank=True)  # contact_phone_idx
    phone_last4 = models.CharField(_("last four digits"), max_length=4, blank=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    wechat_id = models.CharField(_("WeChat ID"), max_length=60, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # Duplicates (phone = …) and search by the start of a number (LIKE '+86138%')
            # alike: on PostgreSQL a varchar_pattern_ops index answers both, where
            # db_index=True would add a second, plain index that doubles every insert.
            models.Index(
                fields=["phone"], name="contact_phone_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["phone_last4"], name="contact_last4_idx"),
            models.Index(fields=["email"], name="contact_email_idx"),
        ]

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
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="purchases",
        db_index=False,  # purchase_customer_idx (customer, purchased_on) serves it
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="purchases"
    )
    # Unique by purchase_order_no_unique: unique=True would also give PostgreSQL a LIKE
    # index that no query uses, and every import would pay for it.
    order_no = models.CharField(_("order number"), max_length=40)
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
        constraints = [
            models.UniqueConstraint(fields=["order_no"], name="purchase_order_no_unique")
        ]

    def __str__(self) -> str:
        return self.order_no


def _default_phone_roles() -> list[str]:
    # Agents and supervisors call customers; technicians work tickets and see masked numbers.
    return ["agent", "supervisor", "admin"]


def _default_export_phone_roles() -> list[str]:
    return ["admin"]


def _default_high_value_tiers() -> list[str]:
    return [Tier.VIP, Tier.KEY]


class ArchiveSettings(models.Model):
    """The archive's numbers that administrators may change (one row). Defaults are the
    spec's: tiers and flags from C4, product classes from C3, phone masking from P1."""

    vip_above = models.DecimalField(
        _("VIP above (CNY, trailing spend)"), max_digits=14, decimal_places=2, default=500000
    )
    key_at_least = models.DecimalField(
        _("key customer from (CNY, trailing spend)"),
        max_digits=14,
        decimal_places=2,
        default=100000,
    )
    recent_window_days = models.PositiveIntegerField(_("trailing spend window (days)"), default=365)
    new_customer_days = models.PositiveIntegerField(
        _("new customer: first purchase within (days)"), default=90
    )
    long_term_years = models.PositiveIntegerField(
        _("long-term customer: customer for more than (years)"), default=3
    )
    complaint_history_at_least = models.PositiveIntegerField(
        _("complaint history: complaints at least"), default=1
    )
    low_satisfaction_at_most = models.DecimalField(
        _("low satisfaction: recent mean score at most (1–5)"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("3.0"),
    )
    satisfaction_recent_count = models.PositiveIntegerField(
        _("low satisfaction: scores averaged"), default=3
    )
    high_value_tiers = models.JSONField(
        _("high-value segment: tiers"), default=_default_high_value_tiers
    )
    rising_growth_percent = models.PositiveIntegerField(
        _("potential: spend growth at least (%)"), default=20
    )
    repeat_purchases_at_least = models.PositiveIntegerField(
        _("potential: purchases of a new customer at least"), default=2
    )
    inactive_days = models.PositiveIntegerField(
        _("churn risk: no purchase within (days)"), default=365
    )
    spend_drop_percent = models.PositiveIntegerField(
        _("churn risk: spend fell by at least (%)"), default=50
    )
    repeated_complaints_at_least = models.PositiveIntegerField(
        _("churn risk: complaints at least"), default=2
    )
    product_high_above = models.DecimalField(
        _("high-value durable: unit price above (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=10000,
    )
    product_low_below = models.DecimalField(
        _("low-price fast-moving: unit price below (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=1000,
    )
    phone_visible_roles = models.JSONField(
        _("roles that see full phone numbers"), default=_default_phone_roles
    )
    export_phone_roles = models.JSONField(
        _("roles that may export full phone numbers"), default=_default_export_phone_roles
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("archive settings")
        verbose_name_plural = _("archive settings")

    def __str__(self) -> str:
        return str(_("Archive settings"))

    @classmethod
    def load(cls) -> ArchiveSettings:
        return cls.objects.get_or_create(pk=1)[0]

    def tier_thresholds(self) -> classification.TierThresholds:
        return classification.TierThresholds(
            vip_above=Decimal(self.vip_above),
            key_at_least=Decimal(self.key_at_least),
            recent_window_days=self.recent_window_days,
            new_customer_days=self.new_customer_days,
            long_term_years=self.long_term_years,
            complaint_history_at_least=self.complaint_history_at_least,
            low_satisfaction_at_most=float(self.low_satisfaction_at_most),
            satisfaction_recent_count=self.satisfaction_recent_count,
        )

    def segment_thresholds(self) -> classification.SegmentThresholds:
        return classification.SegmentThresholds(
            high_value_tiers=frozenset(classification.Tier(t) for t in self.high_value_tiers),
            rising_growth_at_least=Decimal(self.rising_growth_percent) / 100,
            repeat_purchases_at_least=self.repeat_purchases_at_least,
            inactive_days=self.inactive_days,
            spend_drop_at_least=Decimal(self.spend_drop_percent) / 100,
            repeated_complaints_at_least=self.repeated_complaints_at_least,
        )

    def classification_rules(self) -> Rules:
        return Rules(tiers=self.tier_thresholds(), segments=self.segment_thresholds())

    def product_thresholds(self) -> classification.ProductClassThresholds:
        return classification.ProductClassThresholds(
            high_above=Decimal(self.product_high_above), low_below=Decimal(self.product_low_below)
        )


class DuplicatePolicy(models.TextChoices):
    MERGE = "merge", _("Merge into the existing customer (fill in and add what is new)")
    SKIP = "skip", _("Skip the row and list it in the report")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportSource(models.Model):
    """A place files come from (e.g. "ERP export"): its column mapping is remembered."""

    name = models.CharField(_("source name"), max_length=80, unique=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    source = models.ForeignKey(
        ImportSource,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    headers = models.JSONField(_("column headings"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    duplicate_policy = models.CharField(
        _("duplicates"),
        max_length=10,
        choices=DuplicatePolicy.choices,
        default=DuplicatePolicy.MERGE,
    )
    default_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team for new customers"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner for new customers"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.MAPPING
    )
    phase = models.CharField(_("phase"), max_length=40, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    merged_count = models.PositiveIntegerField(_("merged"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure = models.TextField(_("failure"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.FAILED}

    def counts(self) -> dict[str, Any]:
        return {
            "created": self.created_count,
            "updated": self.updated_count,
            "merged": self.merged_count,
            "unchanged": self.unchanged_count,
            "skipped": self.skipped_count,
            "rejected": self.rejected_count,
        }


class IssueOutcome(models.TextChoices):
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("Skipped (duplicate)")
    NOTE = "note", _("Imported, with a note")


class ImportIssue(models.Model):
    """A row that was not imported (or only partly), and why: the error report."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=80, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=10, choices=IssueOutcome.choices)

    class Meta:
        ordering = ["row", "id"]
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")
        indexes = [models.Index(fields=["job", "row"], name="import_issue_row_idx")]

    def __str__(self) -> str:
        return f"{self.row}: {self.reason}"


class MergedCustomer(models.Model):
    """A duplicate that was merged into another customer and then removed.

    The duplicate's row is deleted rather than kept and marked: every row that pointed at it
    (orders, contacts, follow-ups, tickets, answers…) now points at the customer kept, so a
    marked shell would hold nothing, yet every list, count, search and nightly planning run
    of every app would have to remember to leave it out. What it was is kept here instead
    (its number and profile, who merged it and when) and in the audit trail, and a link to
    its old page leads to the customer it became.
    """

    merged_id = models.PositiveBigIntegerField(_("former customer no."), unique=True)
    into = models.ForeignKey(
        Customer,
        verbose_name=_("merged into"),
        on_delete=models.CASCADE,
        related_name="merged_customers",
    )
    label = models.CharField(_("name"), max_length=200)
    profile = models.JSONField(_("profile when merged"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("merged customer")
        verbose_name_plural = _("merged customers")

    def __str__(self) -> str:
        return f"{self.label} → {self.into_id}"
