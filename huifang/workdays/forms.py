from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huifang.core.forms import BootstrapFormMixin
from huifang.workdays.hours import HoursError, parse_hours
from huifang.workdays.models import CalendarDay, DayKind

WEEKDAYS = [
    _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
    _("Sunday"),
]  # fmt: skip


class WeeklyHoursForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args: Any, current: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday, name in enumerate(WEEKDAYS):
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=name,
                required=False,
                initial=current.get(weekday, ""),
                help_text=_("e.g. 09:00-12:00,14:00-18:00; empty = rest day"),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            try:
                parse_hours(value or "")
            except HoursError:
                self.add_error(
                    name,
                    _("Write hours as 09:00-12:00,14:00-18:00, in order and not overlapping."),
                )
        return cleaned


class CalendarDayForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["day", "kind", "name"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DayKind.choices  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        """Entering a day again replaces it, so uniqueness is not an error here."""
