from __future__ import annotations

from django.urls import reverse

from huifang.customers.imports.services import import_job_map, import_job_run
from huifang.customers.models import Customer, ImportJob
from huifang.customers.tasks import import_customers
from tests.conftest import Org
from tests.customers.builders import start, xlsx

ROWS = [["姓名", "手机"], ["王强", "13800000001"], ["李四", "13900000002"]]


def test_the_worker_task_runs_the_import(org: Org) -> None:
    job = start(org.admin, xlsx(ROWS))
    import_job_map(job=job, mapping=job.mapping)
    import_customers.call_local(job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("done", 2, 2)
    assert job.percent == 100
    assert job.started_at and job.finished_at


def test_a_failed_import_says_why_and_can_run_again(org: Org) -> None:
    job = start(org.admin, xlsx(ROWS))
    import_job_map(job=job, mapping=job.mapping)
    saved = job.file.path
    with open(saved, "wb") as broken:
        broken.write(b"not a workbook any more")
    failed = import_job_run(job_id=job.pk)
    assert failed.status == "failed"
    assert failed.failure == "无法读取这个文件，请在 Excel 中另存为 .xlsx 后再导入。"
    assert not Customer.objects.exists()
    with open(saved, "wb") as repaired:
        repaired.write(xlsx(ROWS))
    client = org.client_for(org.admin)
    page = client.get(reverse("customers:import_detail", args=[job.pk])).content.decode()
    assert "重新运行导入" in page
    client.post(reverse("customers:import_retry", args=[job.pk]))
    assert ImportJob.objects.get().status == "done"
    assert Customer.objects.count() == 2
