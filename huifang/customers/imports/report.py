"""The downloadable error report of an import: every row that was not imported as it
stood, with its column and reason, and the rejected rows themselves, ready to fix and
import again."""

from __future__ import annotations

from collections import defaultdict
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from huifang.customers.imports.reader import ImportFileError, read_table
from huifang.customers.models import ImportIssue, ImportJob, IssueOutcome


def _bold_row(sheet: Any, values: list[str]) -> list[Any]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def write_issue_report(job: ImportJob, out: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    issues_sheet = workbook.create_sheet(_("Problems"))
    issues_sheet.column_dimensions["B"].width = 18
    issues_sheet.column_dimensions["C"].width = 24
    issues_sheet.column_dimensions["D"].width = 70
    issues_sheet.column_dimensions["E"].width = 16
    issues_sheet.append(
        _bold_row(issues_sheet, [_("Row"), _("Column"), _("Value"), _("Reason"), _("Outcome")])
    )
    labels = dict(IssueOutcome.choices)
    reasons: dict[int, list[str]] = defaultdict(list)
    for issue in ImportIssue.objects.filter(job=job).order_by("row", "id").iterator(2000):
        issues_sheet.append(
            [issue.row, issue.column, issue.value, issue.reason, str(labels[issue.outcome])]
        )
        if issue.outcome == IssueOutcome.REJECTED:
            reasons[issue.row].append(
                f"{issue.column}：{issue.reason}" if issue.column else issue.reason
            )
    rows_sheet = workbook.create_sheet(_("Rows to fix"))
    try:
        table = read_table(job.file.path, job.original_name)
    except (ImportFileError, OSError):
        table = None
    if table is not None:
        rows_sheet.append(_bold_row(rows_sheet, [_("Row"), *table.headings, _("Reason")]))
        for number, cells in table.rows:
            if number in reasons:
                rows_sheet.append([number, *cells, "；".join(reasons[number])])
    workbook.save(out)
