from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.permissions import admin_required
from huifang.workdays import services
from huifang.workdays.forms import CalendarDayForm, WeeklyHoursForm
from huifang.workdays.models import CalendarDay, CalendarYear, WeeklyHours
from huifang.workdays.selectors import uncovered_years


@admin_required
def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    current = {row.weekday: row.intervals for row in WeeklyHours.objects.all()}
    hours_form = WeeklyHoursForm(
        request.POST if "save_hours" in request.POST else None, current=current
    )
    day_form = CalendarDayForm(request.POST if "add_day" in request.POST else None)
    if request.method == "POST":
        if "save_hours" in request.POST and hours_form.is_valid():
            for weekday in range(7):
                services.weekly_hours_set(
                    weekday=weekday, text=hours_form.cleaned_data[f"day_{weekday}"]
                )
            messages.success(request, _("Working hours saved."))
            return redirect("workdays:calendar")
        if "add_day" in request.POST and day_form.is_valid():
            data = day_form.cleaned_data
            services.calendar_day_set(day=data["day"], kind=data["kind"], name=data["name"])
            messages.success(request, _("Day saved."))
            return redirect(f"{request.path}?year={data['day'].year}")
        if "delete_day" in request.POST:
            services.calendar_day_delete(day=date.fromisoformat(request.POST["delete_day"]))
            messages.success(request, _("Day removed."))
            return redirect(f"{request.path}?year={year}")
        if "confirm_year" in request.POST:
            services.calendar_year_confirm(year=int(request.POST["confirm_year"]))
            messages.success(request, _("Year marked as entered."))
            return redirect(f"{request.path}?year={year}")
    context = {
        "year": year,
        "years": list(CalendarYear.objects.order_by("-year")[:6]),
        "days": CalendarDay.objects.filter(day__year=year),
        "hours_form": hours_form,
        "day_form": day_form,
        "uncovered": uncovered_years(today),
    }
    return render(request, "workdays/calendar.html", context)
