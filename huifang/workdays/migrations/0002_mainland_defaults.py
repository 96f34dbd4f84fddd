"""Seed business hours (Mon–Fri 09–12, 14–18) and the mainland statutory calendar."""

from django.db import migrations

from huifang.domain.china_holidays import mainland_calendar_data

DEFAULT_HOURS = "09:00-12:00,14:00-18:00"


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    WeeklyHours = apps.get_model("workdays", "WeeklyHours")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    for weekday in range(7):
        WeeklyHours.objects.get_or_create(
            weekday=weekday, defaults={"intervals": DEFAULT_HOURS if weekday < 5 else ""}
        )
    data = mainland_calendar_data()
    rows = [CalendarDay(day=d, kind="holiday", source="chinesecalendar") for d in data.holidays]
    rows += [
        CalendarDay(day=d, kind="workday", source="chinesecalendar")
        for d in data.adjusted_workdays
    ]
    CalendarDay.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, source="chinesecalendar") for y in sorted(data.covered_years)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
