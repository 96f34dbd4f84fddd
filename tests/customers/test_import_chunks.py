"""A large import is written chunk by chunk, drafted ahead in a helper process: the archive
it leaves is the one a single chunk leaves, and a crash between chunks loses nothing."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest

from huifang.audit.models import AuditEntry
from huifang.customers.imports import checking, engine, services
from huifang.customers.imports.ahead import drafts_ahead
from huifang.customers.models import (
    Contact,
    Customer,
    CustomerTag,
    ImportIssue,
    ImportStatus,
    Product,
    Purchase,
)
from huifang.customers.services import ContactData, customer_create
from tests.conftest import Org
from tests.customers.builders import run_import, start, xlsx

HEAD = ["客户姓名", "公司", "手机", "邮箱", "标签", "产品", "购买日期", "金额", "订单号", "负责人"]
ROWS: list[list[Any]] = [
    HEAD,
    ["王强", "华盛公司", "13800000001", "wq@hs.cn", "经销商", "HV-001", date(2026, 11, 1), 38000,
     "A-1", "agent"],
    ["李四", "恒信", "１３９０００００００２", "", "", "MC-001", 46350, "", "A-2", "黄嘉怡"],
    ["", "坏行", "123", "", "", "", "", "", "", ""],
    ["赵六", "", "13700000004", "", "展会", "LF-001", "2026/10/20", "¥89", "", "没有这个人"],
    ["钱七", "钱氏", "13600000005", "", "", "LF-001", "2026-10-21", 89, "A-1", ""],  # taken order
    ["王强", "", "+86 138 0000 0001", "", "重点", "LF-001", "2026-11-02", 89, "", ""],  # repeat
    ["孙八", "孙记", "13500000006", "", "", "", "", "", "", ""],
    ["周九", "周氏", "13400000007", "", "", "LF-001", "2026-11-03", 89, "A-3", ""],
    ["周九", "周氏", "13400000007", "", "", "LF-001", "2026-11-03", 89, "A-3", ""],  # same order
    ["老客户", "老公司", "13300000008", "lk@old.cn", "老客", "LF-001", "2026-11-04", 89, "", ""],
    ["吴十", "吴氏", "13200000009", "", "", "HV-001", "2026-11-05", 38000, "", "agent"],
    ["李四", "恒信", "", "ls@hx.cn", "", "", "", "", "", ""],  # same company + name as row 3
    ["郑十一", "郑氏", "1381234567", "", "", "LF-001", "2026-13-01", 89, "", ""],  # two bad cells
]  # fmt: skip


def archive() -> dict[str, Any]:
    """The archive by content (ids and clock times differ between runs)."""
    names = dict(Customer.objects.values_list("pk", "name"))
    return {
        "customers": sorted(
            Customer.objects.values_list(
                "name", "company", "tier", "owner_id", "team_id", "name_pinyin",
                "name_initials", "company_key", "flags", "classified_on",
            )
        ),
        "contacts": sorted(
            (names[c], n, p, e, primary)
            for c, n, p, e, primary in Contact.objects.values_list(
                "customer_id", "name", "phone", "email", "is_primary"
            )
        ),
        "orders": sorted(
            (names[c], o, str(a), d)
            for c, o, a, d in Purchase.objects.values_list(
                "customer_id", "order_no", "amount", "purchased_on"
            )
        ),
        "tags": sorted(
            (names[c], t) for c, t in CustomerTag.objects.values_list("customer_id", "tag__name")
        ),
        "trail": sorted(
            (e.action, e.target_repr, str(e.changes), e.note.split("，")[-1])
            for e in AuditEntry.objects.filter(action__in=["import", "merge"])
        ),
    }  # fmt: skip


def issues(job_id: int) -> list[tuple[int, str, str, str]]:
    return sorted(
        ImportIssue.objects.filter(job_id=job_id).values_list("row", "column", "reason", "outcome")
    )


def known_customer(org: Org) -> None:
    customer_create(
        actor=org.admin,
        name="老客户",
        company="老公司",
        contacts=[ContactData(name="老客户", phone="+8613300000008", is_primary=True)],
    )


def forget_imports() -> None:
    Customer.objects.exclude(name="老客户").delete()
    Purchase.objects.all().delete()
    CustomerTag.objects.all().delete()
    Contact.objects.filter(customer__name="老客户").exclude(phone="+8613300000008").delete()
    Contact.objects.filter(customer__name="老客户").update(email="")
    AuditEntry.objects.filter(action__in=["import", "merge"]).delete()


@pytest.mark.parametrize(
    ("policy", "counts"),
    [
        ("merge", {"created": 6, "updated": 1, "merged": 3, "skipped": 0, "rejected": 3}),
        ("skip", {"created": 6, "updated": 0, "merged": 0, "skipped": 4, "rejected": 3}),
    ],
)
def test_chunks_drafted_in_a_helper_process_leave_the_archive_one_chunk_leaves(
    org: Org,
    products: dict[str, Product],
    monkeypatch: pytest.MonkeyPatch,
    policy: str,
    counts: dict[str, int],
) -> None:
    known_customer(org)
    whole = run_import(org.admin, xlsx(ROWS), policy=policy)
    expected, expected_issues = archive(), issues(whole.pk)
    forget_imports()
    monkeypatch.setattr(engine, "CHUNK_GROUPS", 2)  # five chunks: four drafted by the helper
    monkeypatch.setattr(checking, "PARALLEL_FROM_ROWS", 2)  # the last rows checked there too
    chunked = run_import(org.admin, xlsx(ROWS), policy=policy)
    assert chunked.status == ImportStatus.DONE, chunked.failure
    assert chunked.counts() == whole.counts()
    assert archive() == expected
    assert issues(chunked.pk) == expected_issues
    assert {key: whole.counts()[key] for key in counts} == counts
    # Checked by the helper process, explained in Chinese all the same.
    assert sorted(
        ImportIssue.objects.filter(job=chunked, row=14).values_list("column", "reason")
    ) == [
        ("C 手机", "“1381234567”是 10 位数字，大陆手机号应为 11 位。"),
        ("G 购买日期", "“2026-13-01”不是有效日期，请检查月份和日期。"),
    ]


def test_a_crash_between_chunks_keeps_the_written_ones_and_a_rerun_completes_the_rest(
    org: Org, products: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    known_customer(org)
    whole = run_import(org.admin, xlsx(ROWS))
    expected = archive()
    forget_imports()
    monkeypatch.setattr(engine, "CHUNK_GROUPS", 2)
    monkeypatch.setattr(engine, "TRANSACTION_SECONDS", 0)  # a commit after every chunk
    real_create = engine.Importer._create
    chunks_written: list[int] = []

    def create_then_crash(self: engine.Importer, new: Any, result: Any) -> None:
        if len(chunks_written) == 2:
            raise OSError("disk unplugged")
        chunks_written.append(len(new))
        real_create(self, new, result)

    monkeypatch.setattr(engine.Importer, "_create", create_then_crash)
    job = start(org.admin, xlsx(ROWS))
    services.import_job_map(job=job, mapping=job.mapping)
    crashed = services.import_job_run(job_id=job.pk)
    assert crashed.status == ImportStatus.FAILED
    assert "disk unplugged" in crashed.failure
    written = Customer.objects.exclude(name="老客户").count()
    assert 0 < written < whole.created_count  # whole chunks, nothing half-written
    monkeypatch.setattr(engine.Importer, "_create", real_create)
    rerun = services.import_job_run(job_id=job.pk)
    assert rerun.status == ImportStatus.DONE
    assert rerun.created_count == whole.created_count - written
    assert Customer.objects.count() == whole.created_count + 1
    after = archive()
    assert {k: after[k] for k in ("customers", "contacts", "orders", "tags")} == {
        k: expected[k] for k in ("customers", "contacts", "orders", "tags")
    }


class PidDrafter:
    """Drafts that say which process made them."""

    def candidate(self, group: Any) -> Any:
        return group

    def draft(self, group: Any) -> int:
        return os.getpid()


def test_the_first_chunk_is_drafted_here_and_later_ones_in_a_helper_process() -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: everything is drafted in this process")
    chunks = [[1], [2, 3], [4]]
    drafted = list(drafts_ahead(PidDrafter(), chunks))  # type: ignore[arg-type]
    assert [len(d) for d in drafted] == [1, 2, 1]
    assert drafted[0] == [os.getpid()]
    helpers = {pid for chunk in drafted[1:] for pid in chunk}
    assert len(helpers) == 1 and os.getpid() not in helpers
