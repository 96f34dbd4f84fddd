"""Upload → map columns → result, as an administrator or supervisor does it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from huifang.customers.models import Customer, ImportJob
from tests.conftest import Org
from tests.customers.builders import upload, xlsx

ROWS = [["客户名称", "手机", "城市"], ["王强", "13800000001", "杭州"], ["李四", "12345", "宁波"]]


def post_file(org: Org, data: bytes, name: str = "客户.xlsx", **fields: object) -> Any:
    client = org.client_for(org.supervisor)
    form = {"file": upload(data, name), "duplicate_policy": "merge", "source_name": "", **fields}
    return client.post(reverse("customers:import_upload"), form)


def test_it_suggests_the_mapping_and_shows_the_first_values(org: Org) -> None:
    response = post_file(org, xlsx(ROWS))
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("customers:import_mapping", args=[job.pk])
    page = org.client_for(org.supervisor).get(response["Location"]).content.decode()
    assert '<option value="name" selected>客户姓名</option>' in page
    assert '<option value="phone" selected>手机/电话</option>' in page
    assert "13800000001 · 12345" in page


def test_it_imports_and_shows_the_counts(org: Org) -> None:
    post_file(org, xlsx(ROWS))
    job = ImportJob.objects.get()
    client = org.client_for(org.supervisor)
    response = client.post(
        reverse("customers:import_mapping", args=[job.pk]),
        {"column-0": "name", "column-1": "phone", "column-2": "city"},
    )
    assert response["Location"] == reverse("customers:import_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert '<div class="display-6" id="count-created">1</div>' in page
    assert '<div class="display-6" id="count-rejected">1</div>' in page
    assert "“12345”是 5 位数字，大陆手机号应为 11 位。" in page
    assert Customer.objects.get().city == "杭州"


def test_it_will_not_start_without_a_name_column(org: Org) -> None:
    post_file(org, xlsx(ROWS))
    job = ImportJob.objects.get()
    response = org.client_for(org.supervisor).post(
        reverse("customers:import_mapping", args=[job.pk]),
        {"column-0": "company", "column-1": "company", "column-2": ""},
    )
    page = response.content.decode()
    assert "请指定哪一列是客户姓名。" in page
    assert "“公司”被指定给了 2 列（客户名称、手机），请只保留一列。" in page
    job.refresh_from_db()
    assert job.status == "mapping"
    assert not Customer.objects.exists()


def test_it_says_what_is_wrong_with_a_file_it_cannot_take(org: Org) -> None:
    page = post_file(org, b"hello", "客户.pdf").content.decode()
    assert "“客户.pdf”不是 Excel 或 CSV 文件，请先另存为 .xlsx 或 .csv。" in page
    page = post_file(org, b"", "空.csv").content.decode()
    assert "所提交的是空文件。" in page
    page = post_file(org, b"\n,,\n", "空.csv").content.decode()
    assert "文件是空的。" in page
    assert not ImportJob.objects.exists()


def test_a_large_file_goes_to_the_worker_and_shows_progress(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huifang.customers import tasks
    from huifang.customers.imports import services

    queued: list[int] = []
    monkeypatch.setattr(services, "INLINE_ROWS", 1)
    monkeypatch.setattr(tasks, "import_customers", queued.append)
    post_file(org, xlsx(ROWS))
    job = ImportJob.objects.get()
    client = org.client_for(org.supervisor)
    client.post(
        reverse("customers:import_mapping", args=[job.pk]),
        {"column-0": "name", "column-1": "phone"},
    )
    assert queued == [job.pk]
    page = client.get(reverse("customers:import_detail", args=[job.pk])).content.decode()
    assert "等待后台任务开始…" in page
    assert 'hx-trigger="every 1s"' in page
    services.import_job_run(job_id=job.pk)
    page = client.get(
        reverse("customers:import_detail", args=[job.pk]) + "?partial=1"
    ).content.decode()
    assert "导入完成：共 2 行。" in page
    assert "hx-trigger" not in page


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_only_supervisors_and_administrators_import(org: Org, role: str) -> None:
    client = org.client_for(getattr(org, role))
    assert client.get(reverse("customers:import_upload")).status_code == 403
    assert client.get(reverse("customers:import_list")).status_code == 403
