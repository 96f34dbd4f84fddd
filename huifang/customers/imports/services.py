"""Import jobs: upload, map columns, run (inline for small files, in the worker otherwise)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.models import Team, User
from huifang.customers.imports.engine import Importer
from huifang.customers.imports.fields import BY_KEY, normalize_heading, suggest_mapping
from huifang.customers.imports.reader import ImportFileError, read_table
from huifang.customers.models import ImportJob, ImportSource, ImportStatus

log = logging.getLogger(__name__)

# Files up to this many rows are imported while the user waits; larger ones in the worker.
INLINE_ROWS = 2_000


@transaction.atomic
def import_job_create(
    *,
    actor: User,
    upload: UploadedFile,
    source_name: str = "",
    duplicate_policy: str,
    default_team: Team | None = None,
    default_owner: User | None = None,
) -> ImportJob:
    """Store the file and read its headings; raises ImportFileError when it is unreadable."""
    source = None
    if source_name.strip():
        source, _created = ImportSource.objects.get_or_create(name=source_name.strip())
    job = ImportJob(
        created_by=actor,
        source=source,
        original_name=(upload.name or "import")[:200],
        duplicate_policy=duplicate_policy,
        default_team=default_team or (default_owner.team if default_owner else None),
        default_owner=default_owner,
    )
    job.file.save(upload.name or "import", upload, save=False)
    try:
        table = read_table(job.file.path, job.original_name, rows=False)
    except ImportFileError:
        job.file.delete(save=False)
        raise
    job.headers = table.headings
    job.header_row = table.header_row
    job.total_rows = table.rows_below  # blank rows included; the run counts exactly
    job.mapping = suggest_mapping(table.headings, source.mapping if source else {})
    job.save()
    return job


def import_preview(job: ImportJob, rows: int = 5) -> list[list[str]]:
    """The first data rows as text, to show beside the mapping."""
    from huifang.customers.imports.reader import text_of

    table = read_table(job.file.path, job.original_name)
    return [[text_of(cell) for cell in cells] for _number, cells in table.rows[:rows]]


def mapping_problems(headings: list[str], mapping: dict[str, str]) -> list[str]:
    """What is wrong with a column mapping, in words; empty when it can be used."""
    problems = []
    columns: dict[str, list[str]] = {}
    for index, key in mapping.items():
        columns.setdefault(key, []).append(headings[int(index)])
    for key, names in columns.items():
        if len(names) > 1:
            problems.append(
                _("%(field)s is chosen for %(count)d columns (%(columns)s); keep one.")
                % {"field": BY_KEY[key].label, "count": len(names), "columns": "、".join(names)}
            )
    if "name" not in columns:
        problems.append(_("Choose the column that holds the customer's name."))
    if "phone" not in columns and "company" not in columns:
        problems.append(
            _(
                "Choose a phone or a company column: "
                "they tell whether a customer is already on file."
            )
        )
    return problems


@transaction.atomic
def import_job_map(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Save the mapping, remember it for the job's source, and queue the job."""
    job.mapping = {index: key for index, key in mapping.items() if key in BY_KEY}
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["mapping", "status"])
    if job.source is not None:
        remembered = dict(job.source.mapping)
        for index, key in job.mapping.items():
            remembered[normalize_heading(job.headers[int(index)])] = key
        job.source.mapping = remembered
        job.source.save(update_fields=["mapping", "updated_at"])
    return job


def import_job_start(*, job: ImportJob) -> ImportJob:
    """Run a small file now; hand a large one to the worker."""
    if job.total_rows <= INLINE_ROWS:
        return import_job_run(job_id=job.pk)
    from huifang.customers.tasks import import_customers

    import_customers(job.pk)
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run the import (the worker calls this; so do tests). Never raises: a failure is
    recorded on the job for the user to read, and running it again is safe."""
    job = ImportJob.objects.select_related("created_by", "source").get(pk=job_id)
    try:
        return Importer(job).run()
    except ImportFileError as error:
        return _fail(job, str(error))
    except Exception as error:
        log.exception("import %s failed", job_id)
        return _fail(job, _("The import stopped: %(error)s") % {"error": error})


def _fail(job: ImportJob, message: str) -> ImportJob:
    fields: dict[str, Any] = {
        "status": ImportStatus.FAILED,
        "failure": message,
        "finished_at": timezone.now(),
        "phase": "",
    }
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    return job
