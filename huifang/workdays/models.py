"""The working calendar as editable data: weekly hours, and days that break the week."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Statutory holiday (rest day)")
    WORKDAY = "workday", _("Adjusted working day (调休)")


class Source(models.TextChoices):
    PACKAGE = "chinesecalendar", _("chinesecalendar package")
    MANUAL = "manual", _("Entered by an administrator")


class CalendarDay(models.Model):
    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose holidays are official. Years without a row fall back to plain weekends."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("covered year")
        verbose_name_plural = _("covered years")

    def __str__(self) -> str:
        return str(self.year)


class WeeklyHours(models.Model):
    """Business hours of one weekday, e.g. 09:00–12:00 and 14:00–18:00 (lunch excluded)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), unique=True)  # 0 = Monday
    # "09:00-12:00,14:00-18:00"; empty = rest day.
    intervals = models.CharField(_("hours"), max_length=200, blank=True)

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")

    def __str__(self) -> str:
        return f"{self.weekday}: {self.intervals}"
