from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from huifang.accounts.models import Team
from huifang.audit.models import Action, AuditEntry
from huifang.audit.selectors import entries_for
from huifang.audit.services import Change, audit_record, audit_record_many, field_changes
from tests.conftest import Org


def test_it_records_who_changed_what_and_when(org: Org) -> None:
    at = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)
    audit_record(
        actor=org.admin,
        action=Action.UPDATE,
        target=org.east,
        changes={"name": ["华东组", "华东回访组"]},
        at=at,
    )
    entry = entries_for(org.east).get()
    assert (entry.actor, entry.actor_name, entry.at) == (org.admin, "管理员", at)
    assert entry.target_repr == "华东回访组"
    assert entry.readable_changes() == [("名称", "华东组", "华东回访组")]


def test_it_keeps_the_name_of_an_actor_who_was_deleted_later(org: Org) -> None:
    audit_record(actor=org.agent, action=Action.CREATE, target=org.east)
    org.agent.delete()
    entry = entries_for(org.east).get()
    assert entry.actor is None
    assert entry.who == "王小燕"


def test_it_names_the_system_when_nobody_made_the_change(org: Org) -> None:
    audit_record(actor=None, action=Action.RECLASSIFY, target=org.east)
    assert entries_for(org.east).get().who == "系统"


def test_it_lists_only_fields_that_really_changed_in_readable_form() -> None:
    before = {"tier": "normal", "amount": Decimal("10.50"), "on": date(2026, 1, 2), "same": 1}
    after = {"tier": "vip", "amount": Decimal("10.50"), "on": date(2026, 1, 3), "same": 1}
    assert field_changes(before, after) == {
        "tier": ["normal", "vip"],
        "on": ["2026-01-02", "2026-01-03"],
    }


def test_it_records_many_changes_in_one_go(org: Org) -> None:
    teams = [Team.objects.create(name=f"第{i}组") for i in range(3)]
    written = audit_record_many(
        actor=org.admin,
        model=Team,
        changes=[
            Change(Action.IMPORT, team.pk, team.name, {"name": [None, team.name]}, note="导入")
            for team in teams
        ],
    )
    assert written == 3
    for team in teams:
        entry = entries_for(team).get()
        assert entry.changes == {"name": [None, team.name]}
        assert (entry.actor, entry.action, entry.note) == (org.admin, "import", "导入")
    assert AuditEntry.objects.filter(target_id__in=[org.east.pk]).count() == 0
