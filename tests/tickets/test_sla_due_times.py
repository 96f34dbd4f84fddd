"""Response and solution due times in working time on the mainland calendar (S002)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from huifang.domain.sla import Pause
from huifang.tickets.clock import thresholds
from huifang.workdays.selectors import working_calendar
from tests.tickets.conftest import sh

H = timedelta(hours=1)

# (case, opened at, target, pauses, due at) — all Asia/Shanghai wall clock.
CASES = [
    ("major over a weekend, lunch excluded", sh(2026, 11, 27, 17, 30), 4 * H, [],
     sh(2026, 11, 30, 14, 30)),
    ("major into the National Day holiday", sh(2026, 9, 30, 16), 4 * H, [],
     sh(2026, 10, 8, 11)),
    ("urgent across the lunch break", sh(2026, 11, 24, 11, 30), 2 * H, [],
     sh(2026, 11, 24, 15, 30)),
    ("urgent opened at night", sh(2026, 11, 24, 20), 2 * H, [], sh(2026, 11, 25, 11)),
    ("major opened on a Saturday", sh(2026, 11, 28, 10), 4 * H, [], sh(2026, 11, 30, 15)),
    ("general 24 working hours over May Day", sh(2026, 4, 30, 9, 30), 24 * H, [],
     sh(2026, 5, 8, 14, 30)),
    ("urgent reaching a 调休 Saturday before the Spring Festival", sh(2026, 2, 13, 17), 2 * H,
     [], sh(2026, 2, 14, 10)),
    ("major from a 调休 Saturday across the Spring Festival", sh(2026, 2, 14, 16), 4 * H, [],
     sh(2026, 2, 24, 11)),
    ("urgent onto the 调休 Saturday after National Day", sh(2026, 10, 9, 17), 2 * H, [],
     sh(2026, 10, 10, 10)),
    ("major solution 48 working hours", sh(2026, 11, 27, 17, 30), 48 * H, [],
     sh(2026, 12, 8, 16, 30)),
    ("a pause inside the day pushes the due time by the working time it covers",
     sh(2026, 11, 23, 9), 4 * H, [Pause(sh(2026, 11, 23, 10), sh(2026, 11, 23, 15))],
     sh(2026, 11, 23, 18)),
    ("a pause over the weekend changes nothing", sh(2026, 11, 27, 17, 30), 4 * H,
     [Pause(sh(2026, 11, 27, 18), sh(2026, 11, 30, 9))], sh(2026, 11, 30, 14, 30)),
    ("a pause over the holiday and one working morning", sh(2026, 9, 30, 16), 4 * H,
     [Pause(sh(2026, 9, 30, 17), sh(2026, 10, 8, 12))], sh(2026, 10, 8, 17)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("opened", "target", "pauses", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_it_counts_only_working_time(
    db: object, opened: datetime, target: timedelta, pauses: list[Pause], expected: datetime
) -> None:
    found = thresholds(
        working_calendar(), opened_at=opened, response_target=target, solution_target=None,
        pauses=pauses, ratio=0.75, now=opened + timedelta(days=30),
    )  # fmt: skip
    assert found.response_due_at == expected


def test_it_turns_at_risk_at_the_configured_share_of_working_time(db: object) -> None:
    found = thresholds(
        working_calendar(), opened_at=sh(2026, 11, 27, 17, 30), response_target=4 * H,
        solution_target=48 * H, pauses=[], ratio=0.75, now=sh(2026, 11, 27, 17, 30),
    )  # fmt: skip
    assert found.response_risk_at == sh(2026, 11, 30, 11, 30)  # 3 of 4 working hours
    assert found.solution_due_at == sh(2026, 12, 8, 16, 30)
    assert found.solution_risk_at == sh(2026, 12, 7, 9, 30)  # 36 of 48 working hours
