"""Several planners at once on PostgreSQL: no duplicate and no missing follow-up."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, connections

from huifang.followups.models import FollowUp
from huifang.followups.services import event_receive, followups_plan_all
from tests.followups.conftest import buy, sh

NOW = sh(2026, 11, 26, 8)
TODAY = date(2026, 11, 26)

pytestmark = pytest.mark.django_db(transaction=True)


def run_concurrently(*jobs: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def wrap(job: Any) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


@pytest.fixture
def archive(make_customer: Any) -> list[Any]:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    customers = []
    for n in range(60):
        customer = make_customer(tier=["vip", "key", "normal"][n % 3])
        buy(customer, "high_value_durable", purchased_on=TODAY - timedelta(days=20 + n),
            delivered_on=TODAY - timedelta(days=15 + n % 40),
            contract_end_on=date(2027, 1, 1) + timedelta(days=n))  # fmt: skip
        customers.append(customer)
    return customers


def test_two_sweeps_at_once_plan_each_follow_up_exactly_once(archive: list[Any]) -> None:
    errors = run_concurrently(
        lambda: followups_plan_all(now=NOW, replace=False, chunk=7),
        lambda: followups_plan_all(now=NOW, replace=False, chunk=11),
    )
    assert errors == []
    concurrent = Counter(FollowUp.objects.values_list("dedupe_key", flat=True))
    assert concurrent and max(concurrent.values()) == 1
    # The same archive planned by one planner alone gives exactly the same follow-ups.
    FollowUp.objects.all().delete()
    followups_plan_all(now=NOW, replace=False)
    assert Counter(FollowUp.objects.values_list("dedupe_key", flat=True)) == concurrent


def test_events_and_a_sweep_racing_on_the_same_customers(archive: list[Any]) -> None:
    def events() -> None:
        for customer in archive:
            event_receive(
                source_ref=f"ticket:{customer.pk}", trigger="ticket_solved",
                customer_id=customer.pk, occurred_at=NOW, now=NOW,
                problem_nature="urgent_fault",
            )  # fmt: skip

    errors = run_concurrently(events, events, lambda: followups_plan_all(now=NOW, replace=False))
    assert errors == []
    keys = Counter(FollowUp.objects.values_list("dedupe_key", flat=True))
    assert max(keys.values()) == 1
    tickets = {k.split("|")[0] for k in keys if "|ticket_solved|" in k}
    assert tickets == {str(c.pk) for c in archive}


def test_a_re_plan_in_two_processes_racing_events_loses_and_doubles_nothing(
    archive: list[Any],
) -> None:
    def events() -> None:
        for customer in archive:
            event_receive(
                source_ref=f"ticket:{customer.pk}", trigger="ticket_solved",
                customer_id=customer.pk, occurred_at=NOW, now=NOW,
                problem_nature="urgent_fault",
            )  # fmt: skip

    followups_plan_all(now=NOW, replace=False)
    errors = run_concurrently(
        events, lambda: followups_plan_all(now=NOW, replace=True, chunk=5, workers=2)
    )
    assert errors == []
    raced = Counter(FollowUp.objects.values_list("dedupe_key", flat=True))
    assert max(raced.values()) == 1
    # One process re-planning the same archive and events alone: the same follow-ups.
    followups_plan_all(now=NOW, replace=True)
    assert Counter(FollowUp.objects.values_list("dedupe_key", flat=True)) == raced
