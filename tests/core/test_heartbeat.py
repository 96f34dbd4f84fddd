from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from huifang.core import tasks
from huifang.core.models import WorkerHeartbeat
from huifang.core.services import heartbeat_record
from tests.conftest import Org

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.mark.django_db
class TestHeartbeatRecord:
    def test_it_creates_one_row_per_worker_and_counts_beats(self) -> None:
        heartbeat_record(worker="host:1", now=T0)
        beat = heartbeat_record(worker="host:1", now=T0 + timedelta(minutes=1))
        heartbeat_record(worker="host:2", now=T0)
        assert (beat.started_at, beat.beat_at, beat.beats) == (T0, T0 + timedelta(minutes=1), 2)
        assert WorkerHeartbeat.objects.count() == 2

    def test_the_periodic_task_records_this_process(self) -> None:
        tasks.heartbeat.call_local()
        assert WorkerHeartbeat.objects.get().worker == tasks.worker_name()


class TestSystemStatusPage:
    def test_it_shows_a_worker_that_beat_recently_as_running(self, org: Org) -> None:
        heartbeat_record(worker="host:1", now=T0)
        with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
            page = org.client_for(org.admin).get(reverse("core:system_status")).content.decode()
        assert "运行中" in page
        # Stored in UTC, shown in Asia/Shanghai.
        assert "2026-11-26 10:00:00" in page

    def test_it_warns_when_the_worker_stopped_beating(self, org: Org) -> None:
        heartbeat_record(worker="host:1", now=T0)
        with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
            page = org.client_for(org.admin).get(reverse("core:system_status")).content.decode()
        assert "无响应" in page
        assert "定时任务没有在运行" in page

    def test_it_says_when_no_worker_ever_reported(self, org: Org) -> None:
        page = org.client_for(org.admin).get(reverse("core:system_status")).content.decode()
        assert "从未上报" in page
