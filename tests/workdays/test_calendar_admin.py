"""The working calendar as administrators keep it: seeded, edited, warned about."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from huifang.workdays.models import CalendarDay, CalendarYear, WeeklyHours
from huifang.workdays.selectors import load_calendar, uncovered_years
from tests.conftest import Org

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
class TestSeededCalendar:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2026, 2, 14), True),  # Saturday worked for Spring Festival (调休)
            (date(2026, 9, 20), True),
            (date(2026, 10, 10), True),
            (date(2026, 10, 1), False),
            (date(2026, 10, 7), False),
            (date(2026, 11, 28), False),  # an ordinary Saturday
        ],
    )
    def test_2026_comes_from_the_statutory_notice(self, day: date, working: bool) -> None:
        assert load_calendar().is_working_day(day) is working

    def test_sla_style_arithmetic_uses_the_database_calendar(self) -> None:
        calendar = load_calendar()
        opened = datetime(2026, 9, 30, 16, tzinfo=SH)
        assert calendar.add_working_time(opened, timedelta(hours=4)) == datetime(
            2026, 10, 8, 11, tzinfo=SH
        )

    def test_a_year_nobody_entered_is_reported(self) -> None:
        assert uncovered_years(date(2026, 11, 26)) == [2027]
        assert uncovered_years(date(2026, 6, 1)) == []


class TestCalendarPage:
    def test_administrators_are_warned_ahead_of_an_uncovered_year(self, org: Org) -> None:
        with time_machine.travel(datetime(2026, 11, 26, 10, tzinfo=SH), tick=False):
            page = org.client_for(org.admin).get(reverse("core:home")).content.decode()
            agent_page = org.client_for(org.agent).get(reverse("core:home")).content.decode()
        assert "2027 年的法定节假日尚未录入" in page
        assert "法定节假日尚未录入" not in agent_page

    def test_an_administrator_enters_next_years_holiday_and_confirms_the_year(
        self, org: Org
    ) -> None:
        client = org.client_for(org.admin)
        client.post(
            reverse("workdays:calendar"),
            {"day": "2027-01-01", "kind": "holiday", "name": "元旦", "add_day": "1"},
        )
        assert CalendarDay.objects.get(day=date(2027, 1, 1)).source == "manual"
        assert not load_calendar().is_working_day(date(2027, 1, 1))
        client.post(reverse("workdays:calendar"), {"confirm_year": "2027"})
        assert CalendarYear.objects.filter(year=2027).exists()

    def test_working_hours_are_edited_and_bad_hours_refused(self, org: Org) -> None:
        client = org.client_for(org.admin)
        hours = {f"day_{d}": "09:00-12:00,14:00-18:00" for d in range(5)}
        hours.update({"day_5": "09:00-12:00", "day_6": "", "save_hours": "1"})
        client.post(reverse("workdays:calendar"), hours)
        assert WeeklyHours.objects.get(weekday=5).intervals == "09:00-12:00"
        assert load_calendar().is_working_day(date(2026, 11, 28))
        page = client.post(
            reverse("workdays:calendar"), {**hours, "day_0": "14:00-12:00"}
        ).content.decode()
        assert "请按 09:00-12:00,14:00-18:00 的格式填写" in page
        assert WeeklyHours.objects.get(weekday=0).intervals == "09:00-12:00,14:00-18:00"

    def test_agents_get_403(self, org: Org) -> None:
        assert org.client_for(org.agent).get(reverse("workdays:calendar")).status_code == 403
