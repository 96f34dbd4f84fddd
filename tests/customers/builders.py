"""Build import files inside the tests (no binary fixtures in the repository)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from huifang.accounts.models import User
from huifang.customers.imports import services
from huifang.customers.models import ImportIssue, ImportJob

Row = Sequence[Any] | list[Any]


def xlsx(rows: Iterable[Any], *, merges: Iterable[str] = (), sheet: str = "客户") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    for cells in merges:
        worksheet.merge_cells(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: Iterable[Row], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def start(
    user: User,
    data: bytes,
    name: str = "客户.xlsx",
    *,
    policy: str = "merge",
    source: str = "",
    **options: Any,
) -> ImportJob:
    return services.import_job_create(
        actor=user,
        upload=upload(data, name),
        source_name=source,
        duplicate_policy=policy,
        **options,
    )


def run_import(
    user: User,
    data: bytes,
    name: str = "客户.xlsx",
    *,
    policy: str = "merge",
    mapping: dict[str, str] | None = None,
    source: str = "",
    **options: Any,
) -> ImportJob:
    """Upload, accept the suggested mapping (or ``mapping``), run; as the worker would."""
    job = start(user, data, name, policy=policy, source=source, **options)
    services.import_job_map(job=job, mapping=mapping or job.mapping)
    return services.import_job_run(job_id=job.pk)


def issues_by_row(job: ImportJob) -> dict[int, list[ImportIssue]]:
    result: dict[int, list[ImportIssue]] = {}
    for issue in job.issues.order_by("row", "id"):
        result.setdefault(issue.row, []).append(issue)
    return result


def reasons(job: ImportJob, row: int) -> str:
    return " | ".join(f"{i.column}: {i.reason}" for i in issues_by_row(job).get(row, []))
