from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huifang.accounts.models import Role, Team, User
from huifang.core.forms import BootstrapFormMixin
from huifang.customers.models import (
    ArchiveSettings,
    Channel,
    Contact,
    ContactLevel,
    Customer,
    DuplicatePolicy,
    ImportSource,
    Product,
    Purchase,
    Segment,
    Tag,
    Tier,
)
from huifang.customers.phones import PhoneError, display_phone, mask_phone, normalize_phone
from huifang.customers.selectors import CustomerFilters, sees_whole_archive
from huifang.customers.services import (
    PURCHASE_FIELDS,
    ContactData,
    purchase_date_problems,
    split_tags,
)

TAG_MAX_LENGTH = 30


class ChoiceWidgetsMixin(BootstrapFormMixin):
    """Radio buttons and check boxes get Bootstrap's check style, not a text box's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"


class PhoneField(forms.CharField):
    """Accepts any way of writing a number; cleans to E.164 or says what is wrong."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            return normalize_phone(text)
        except PhoneError as error:
            raise forms.ValidationError(str(error), code="phone") from None

    def prepare_value(self, value: Any) -> Any:
        # Shows a stored +8613812345678 as 13812345678 again.
        if isinstance(value, str) and value.startswith("+"):
            return display_phone(value)
        return value


def owners_for(user: User) -> QuerySet[User]:
    people = User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR])
    if not sees_whole_archive(user):
        people = people.filter(team=user.team) if user.team else people.none()
    return people.order_by("team__name", "full_name", "username")


def phone_owner(phone: str, *, exclude: int | None = None) -> Customer | None:
    contacts = Contact.objects.filter(phone=phone).select_related("customer")
    if exclude:
        contacts = contacts.exclude(customer_id=exclude)
    contact = contacts.first()
    return contact.customer if contact else None


class ContactFields(forms.Form):
    """How to reach someone; shared by the new-customer form and the contacts form."""

    phone = PhoneField(label=gettext_lazy("Mobile or phone"), required=False)
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        required=False,
        error_messages={
            "invalid": gettext_lazy("Enter an e-mail address such as name@example.cn.")
        },
    )
    wechat_id = forms.CharField(label=gettext_lazy("WeChat ID"), max_length=60, required=False)


class CustomerForm(BootstrapFormMixin, ContactFields):
    """Profile and tags; on creation also the first contact's phone, e-mail and WeChat."""

    field_order = ["name", "company", "region", "city", "industry", "team", "owner", "tags"]

    name = forms.CharField(
        label=gettext_lazy("Customer name"),
        max_length=80,
        error_messages={"required": gettext_lazy("Enter the customer's name.")},
    )
    company = forms.CharField(label=gettext_lazy("Company"), max_length=120, required=False)
    region = forms.CharField(label=gettext_lazy("Region (province)"), max_length=40, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=40, required=False)
    industry = forms.CharField(label=gettext_lazy("Industry"), max_length=40, required=False)
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"), queryset=Team.objects.all(), required=False
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner agent"), queryset=User.objects.none(), required=False
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Separate tags with commas, e.g. 经销商, 华东大客户."),
    )

    def __init__(self, *args: Any, user: User, customer: Customer | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.customer = customer
        self.fields["owner"].queryset = owners_for(user)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.display_name}（{u.team}）" if u.team else u.display_name
        )
        if not user.has_role(Role.ADMIN, Role.SUPERVISOR):
            del self.fields["team"]  # an agent's customers always belong to their team
        if customer is not None:
            for name in ("phone", "email", "wechat_id"):
                del self.fields[name]  # contacts have their own page once the customer exists

    def clean_tags(self) -> list[str]:
        tags = split_tags(self.cleaned_data.get("tags", ""))
        too_long = [tag for tag in tags if len(tag) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Tag “%(tag)s” is too long; keep tags to 30 characters.") % {"tag": too_long[0]}
            )
        return tags

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner: User | None = data.get("owner")
        if "team" in self.fields:
            team = data.get("team") or (owner.team if owner else None)
            if owner and owner.team_id and team and owner.team_id != team.pk:
                self.add_error(
                    "owner",
                    _("%(owner)s is not in team %(team)s; pick an owner of that team.")
                    % {"owner": owner.display_name, "team": team},
                )
            data["team"] = team
        else:
            data["team"] = self.user.team
        name, company = data.get("name", "").strip(), data.get("company", "").strip()
        if name and company:
            twins = Customer.objects.filter(name=name, company=company)
            if self.customer is not None:
                twins = twins.exclude(pk=self.customer.pk)
            if twins.exists():
                self.add_error(
                    "name",
                    _(
                        "%(company)s already has a customer called %(name)s; open that customer "
                        "instead of creating a duplicate."
                    )
                    % {"company": company, "name": name},
                )
        phone = data.get("phone")
        if phone:
            other = phone_owner(phone)
            if other is not None:
                self.add_error("phone", duplicate_phone_message(phone, other, self.user))
        return data

    def contacts(self) -> list[ContactData]:
        data = self.cleaned_data
        if not any(data.get(name) for name in ("phone", "email", "wechat_id")):
            return []
        return [
            ContactData(
                name=data["name"],
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                wechat_id=data.get("wechat_id", ""),
                is_primary=True,
            )
        ]


def duplicate_phone_message(phone: str, other: Customer, user: User) -> str:
    from huifang.customers.selectors import customers_visible_to

    if customers_visible_to(user).filter(pk=other.pk).exists():
        return _("%(phone)s already belongs to customer %(customer)s (no. %(id)s).") % {
            "phone": mask_phone(phone),
            "customer": other,
            "id": other.pk,
        }
    return _("%(phone)s already belongs to a customer of another team.") % {
        "phone": mask_phone(phone)
    }


class ContactForm(BootstrapFormMixin, ContactFields):
    field_order = ["id", "name", "phone", "email", "wechat_id", "is_primary"]
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=gettext_lazy("Contact name"), max_length=80, required=False)
    is_primary = forms.BooleanField(label=gettext_lazy("Primary"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_changed() and not any(data.get(n) for n in ("phone", "email", "wechat_id")):
            raise forms.ValidationError(
                _("Enter at least a phone number, an e-mail address or a WeChat ID.")
            )
        return data


class BaseContactFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, customer: Customer, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.user = user

    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            if form.errors or form.cleaned_data.get("DELETE"):
                continue
            phone = form.cleaned_data.get("phone")
            if not phone:
                continue
            if phone in seen:
                form.add_error("phone", _("This number is listed twice."))
            seen.add(phone)
            other = phone_owner(phone, exclude=self.customer.pk)
            if other is not None:
                form.add_error("phone", duplicate_phone_message(phone, other, self.user))

    def contacts(self) -> list[ContactData]:
        result = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            if not any(data.get(n) for n in ("phone", "email", "wechat_id")):
                continue
            result.append(
                ContactData(
                    id=data.get("id"),
                    name=data.get("name") or self.customer.name,
                    phone=data.get("phone", ""),
                    email=data.get("email", ""),
                    wechat_id=data.get("wechat_id", ""),
                    is_primary=bool(data.get("is_primary")),
                )
            )
        return result


ContactFormSet = cast(
    type[BaseContactFormSet],
    forms.formset_factory(ContactForm, formset=BaseContactFormSet, extra=1, can_delete=True),
)


class PreferencesForm(ChoiceWidgetsMixin, forms.Form):
    preferred_channel = forms.ChoiceField(
        label=gettext_lazy("Preferred channel"),
        choices=[("", gettext_lazy("No preference")), *Channel.choices],
        required=False,
    )
    preferred_window_start = forms.TimeField(
        label=gettext_lazy("Preferred contact from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": gettext_lazy("Enter a time such as 09:30.")},
    )
    preferred_window_end = forms.TimeField(
        label=gettext_lazy("Preferred contact until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": gettext_lazy("Enter a time such as 17:30.")},
    )
    refused_channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels the customer refused"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opted_out = forms.BooleanField(
        label=gettext_lazy("Do not follow up (opt-out): no routine follow-up at all"),
        required=False,
    )
    contact_level = forms.TypedChoiceField(
        label=gettext_lazy("Contact frequency wish"),
        choices=ContactLevel.choices,
        coerce=int,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("preferred_window_start"), data.get("preferred_window_end")
        if bool(start) != bool(end):
            self.add_error(
                "preferred_window_end" if start else "preferred_window_start",
                _("Enter both ends of the contact window, or neither."),
            )
        elif start and end and start >= end:
            self.add_error(
                "preferred_window_end",
                _("The window must end after it starts (%(start)s).")
                % {"start": start.strftime("%H:%M")},
            )
        channel = data.get("preferred_channel")
        if channel and channel in data.get("refused_channels", []):
            self.add_error(
                "refused_channels",
                _("%(channel)s cannot be both preferred and refused; choose one.")
                % {"channel": Channel(channel).label},
            )
        return data


ROLE_CHOICES = [
    (Role.AGENT, gettext_lazy("Follow-up agent")),
    (Role.SUPERVISOR, gettext_lazy("Supervisor")),
    (Role.TECHNICIAN, gettext_lazy("Technician")),
    (Role.ADMIN, gettext_lazy("Administrator")),
]


class ArchiveSettingsForm(ChoiceWidgetsMixin, forms.ModelForm):
    high_value_tiers = forms.MultipleChoiceField(
        label=gettext_lazy("High-value segment: tiers"),
        choices=Tier.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one tier.")},
    )
    phone_visible_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles that see full phone numbers"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Everybody else sees 138****1234."),
    )
    export_phone_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles that may export full phone numbers"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Exports are masked unless one of these roles asks otherwise."),
    )

    class Meta:
        model = ArchiveSettings
        fields = [
            "vip_above",
            "key_at_least",
            "recent_window_days",
            "new_customer_days",
            "long_term_years",
            "complaint_history_at_least",
            "low_satisfaction_at_most",
            "satisfaction_recent_count",
            "high_value_tiers",
            "rising_growth_percent",
            "repeat_purchases_at_least",
            "inactive_days",
            "spend_drop_percent",
            "repeated_complaints_at_least",
            "product_high_above",
            "product_low_below",
            "phone_visible_roles",
            "export_phone_roles",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        vip, key = data.get("vip_above"), data.get("key_at_least")
        if vip is not None and key is not None and key > vip:
            self.add_error(
                "key_at_least",
                _("The key-customer threshold (¥%(key)s) cannot be above the VIP one (¥%(vip)s).")
                % {"key": f"{key:,.0f}", "vip": f"{vip:,.0f}"},
            )
        high, low = data.get("product_high_above"), data.get("product_low_below")
        if high is not None and low is not None and low > high:
            self.add_error(
                "product_low_below",
                _("The low-price limit (¥%(low)s) cannot be above the high-value one (¥%(high)s).")
                % {"low": f"{low:,.0f}", "high": f"{high:,.0f}"},
            )
        score = data.get("low_satisfaction_at_most")
        if score is not None and not 1 <= score <= 5:
            self.add_error("low_satisfaction_at_most", _("Use the 1–5 satisfaction scale."))
        drop = data.get("spend_drop_percent")
        if drop is not None and not 1 <= drop <= 100:
            self.add_error("spend_drop_percent", _("Enter a percentage between 1 and 100."))
        for name in (
            "recent_window_days",
            "new_customer_days",
            "long_term_years",
            "complaint_history_at_least",
            "satisfaction_recent_count",
            "repeat_purchases_at_least",
            "inactive_days",
            "repeated_complaints_at_least",
        ):
            if data.get(name) == 0:
                self.add_error(name, _("Enter a whole number of at least 1."))
        return data


class ProductForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = ["sku", "name", "model", "line", "unit_price", "repurchase_cycle_days"]
        error_messages = {
            "sku": {"unique": gettext_lazy("Another product already has this SKU.")},
            "unit_price": {
                "invalid": gettext_lazy("Enter the unit price as a number, e.g. 12800.")
            },
        }

    def clean_unit_price(self) -> Any:
        price = self.cleaned_data["unit_price"]
        if price is not None and price < 0:
            raise forms.ValidationError(_("A unit price cannot be negative."))
        return price


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    tier = forms.ChoiceField(choices=[("", ""), *Tier.choices], required=False)
    region = forms.CharField(required=False, max_length=40)
    tag = forms.ModelChoiceField(queryset=Tag.objects.all(), required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.all(), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    segment = forms.ChoiceField(choices=[("", ""), *Segment.choices], required=False)
    after = forms.IntegerField(required=False, min_value=1)
    before = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> CustomerFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return CustomerFilters(
            q=data.get("q", ""),
            tier=data.get("tier", ""),
            region=data.get("region", "").strip(),
            tag=data["tag"].pk if data.get("tag") else None,
            owner=data["owner"].pk if data.get("owner") else None,
            team=data["team"].pk if data.get("team") else None,
            segment=data.get("segment", ""),
        )


IMPORT_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")
IMPORT_MAX_BYTES = 50 * 1024 * 1024


class ImportUploadForm(ChoiceWidgetsMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel or CSV file"),
        help_text=gettext_lazy(
            ".xlsx, .xls or .csv (UTF-8 or GBK); the first sheet is read. Up to 50 MB."
        ),
        error_messages={"required": gettext_lazy("Choose a file to import.")},
    )
    source_name = forms.CharField(
        label=gettext_lazy("Where the file comes from"),
        max_length=80,
        required=False,
        help_text=gettext_lazy(
            "E.g. ERP export. The column mapping is remembered for the next file from there."
        ),
    )
    duplicate_policy = forms.ChoiceField(
        label=gettext_lazy("When a row matches a customer already on file"),
        choices=DuplicatePolicy.choices,
        initial=DuplicatePolicy.MERGE,
        widget=forms.RadioSelect,
    )
    default_team = forms.ModelChoiceField(
        label=gettext_lazy("Team for new customers"),
        queryset=Team.objects.all(),
        required=False,
        help_text=gettext_lazy("Used when the file names no owner."),
    )
    default_owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner for new customers"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_owner"].queryset = owners_for(user)  # type: ignore[attr-defined]
        self.sources = list(ImportSource.objects.values_list("name", flat=True))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(
                _("“%(name)s” is not an Excel or CSV file; save it as .xlsx or .csv first.")
                % {"name": upload.name}
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 50 MB; split it into several files.")
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner, team = data.get("default_owner"), data.get("default_team")
        if owner and team and owner.team_id and owner.team_id != team.pk:
            self.add_error(
                "default_owner",
                _("%(owner)s is not in team %(team)s; pick an owner of that team.")
                % {"owner": owner.display_name, "team": team},
            )
        return data


class PurchaseForm(BootstrapFormMixin, forms.ModelForm):
    """An order entered by hand on the customer 360 page; dates checked against each other."""

    class Meta:
        model = Purchase
        fields = list(PURCHASE_FIELDS)
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("purchased_on", "delivered_on", "first_used_on", "contract_end_on")
        }
        help_texts = {
            "order_no": gettext_lazy("Leave blank to have one given (HF-date-code)."),
            "amount": gettext_lazy("Leave blank for quantity × unit price."),
            "delivered_on": gettext_lazy(
                "A delivery in the last weeks gets its follow-up planned as soon as you save."
            ),
        }
        error_messages = {
            "product": {"required": gettext_lazy("Choose the product that was bought.")},
            "purchased_on": {
                "required": gettext_lazy("Enter the purchase date."),
                "invalid": gettext_lazy("Enter a date such as 2026-11-20."),
            },
            "delivered_on": {"invalid": gettext_lazy("Enter a date such as 2026-11-20.")},
            "first_used_on": {"invalid": gettext_lazy("Enter a date such as 2026-11-20.")},
            "contract_end_on": {"invalid": gettext_lazy("Enter a date such as 2026-11-20.")},
            "amount": {"invalid": gettext_lazy("Enter the amount as a number, e.g. 38000.")},
            "quantity": {"invalid": gettext_lazy("Enter a whole number of at least 1.")},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["order_no"].required = False
        self.fields["amount"].required = False
        product = cast(forms.ModelChoiceField, self.fields["product"])
        product.queryset = Product.objects.order_by("name", "model")

    def clean_amount(self) -> Any:
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("An amount cannot be negative."))
        return amount

    def clean_quantity(self) -> Any:
        quantity = self.cleaned_data.get("quantity")
        if quantity is not None and quantity < 1:
            raise forms.ValidationError(_("Enter a whole number of at least 1."))
        return quantity

    def clean_order_no(self) -> str:
        order_no = (self.cleaned_data.get("order_no") or "").strip()
        others = Purchase.objects.filter(order_no=order_no).exclude(pk=self.instance.pk)
        other = others.select_related("customer").first() if order_no else None
        if other is not None:
            raise forms.ValidationError(duplicate_order_message(order_no, other, self.user))
        return order_no

    def validate_unique(self) -> None:
        # clean_order_no says whose order it is; Django's own message would not.
        pass

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = purchase_date_problems(
            today=timezone.localdate(),
            purchased_on=data.get("purchased_on"),
            delivered_on=data.get("delivered_on"),
            first_used_on=data.get("first_used_on"),
            contract_end_on=data.get("contract_end_on"),
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def purchase_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def duplicate_order_message(order_no: str, other: Purchase, user: User) -> str:
    from huifang.customers.selectors import customers_visible_to

    if customers_visible_to(user).filter(pk=other.customer_id).exists():
        return _("Order %(order)s already belongs to customer %(customer)s (no. %(id)s).") % {
            "order": order_no,
            "customer": other.customer,
            "id": other.customer_id,
        }
    return _("Order %(order)s already belongs to a customer of another team.") % {"order": order_no}
