"""Read the table out of an uploaded .xlsx/.xls or .csv file.

Real files are untidy: a title row above the headings (merged across the sheet), two
heading rows (联系人 merged over 手机 and 邮箱), headings merged down over two rows,
company names merged down over the rows of their contacts, CSV in UTF-8, UTF-8 with BOM
or GBK/GB18030. Whatever the layout, rows keep the numbers people see in Excel, so the
error report can point at them.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from huifang.core.memory import cycle_collection_paused
from huifang.customers.imports.fields import heading_score

HEADER_SCAN_ROWS = 20
BLANK = ("", None)
Cell = Any
Range = tuple[tuple[int, int], tuple[int, int]]


class ImportFileError(ValueError):
    """The file cannot be read at all; the message says why, in the user's language."""


@dataclass
class Table:
    headings: list[str]
    header_row: int  # 1-based number of the last heading row
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)  # (row number, cells)
    sheet: str = ""
    # Rows below the headings, blank ones included; known even when only the head was read.
    rows_below: int = 0


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_of(cell: Cell) -> str:
    if type(cell) is str:  # most cells; strip() also removes the ideographic space U+3000
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def read_table(path: str | Path, name: str, *, rows: bool = True) -> Table:
    """The best table in the file (the sheet whose headings we recognise most); with
    ``rows=False`` only the headings (and how many rows lie below them)."""
    suffix = Path(name).suffix.lower()
    grids: list[Grid]
    with cycle_collection_paused():  # a million cells, and not one cycle among them
        if suffix == ".csv":
            lines = _csv_rows(Path(path).read_bytes())
            grids = [Grid("", lines, [], len(lines))]
        else:
            grids = _remembered_grids(path)
        best = max(grids, key=lambda grid: _best_heading_row(grid.cells)[1])
        return _table(best, with_rows=rows)


# Parsing a workbook costs far more than keeping its cells: the upload (headings), the
# preview, the run and the error report each need the file, and with the embedded worker
# (`serve`) they run in one process. The last workbook read stays for a few minutes, if
# it is not too large; another process simply reads the file again.
REMEMBER_SECONDS = 600.0
REMEMBER_MAX_CELLS = 3_000_000
_remembered_lock = threading.Lock()
_remembered: tuple[tuple[str, int, int], float, list[Grid]] | None = None


def _remembered_grids(path: str | Path) -> list[Grid]:
    global _remembered
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)
    now = time.monotonic()
    with _remembered_lock:
        if _remembered and _remembered[0] == key and now - _remembered[1] < REMEMBER_SECONDS:
            return _remembered[2]
    grids = _workbook_grids(path, None)
    cells = sum(len(row) for grid in grids for row in grid.cells)
    with _remembered_lock:
        _remembered = (key, now, grids) if cells <= REMEMBER_MAX_CELLS else None
    return grids


def forget_remembered_workbook() -> None:
    global _remembered
    with _remembered_lock:
        _remembered = None


@dataclass
class Grid:
    sheet: str
    cells: list[list[Cell]]
    merged: list[Range]
    height: int  # rows in the sheet, counted from row 1


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; Chinese Excel saves CSV as GBK, read as GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The CSV file is neither UTF-8 nor GBK text; save it again as CSV UTF-8.")
        ) from None


def _csv_rows(data: bytes) -> list[list[Cell]]:
    text = decode_csv(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _workbook_grids(path: str | Path, nrows: int | None) -> list[Grid]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError:
        raise ImportFileError(
            _("The workbook is protected by a password; remove the password and try again.")
        ) from None
    except (CalamineError, OSError, ValueError):
        raise ImportFileError(
            _("The file is not a workbook Excel can open; save it again as .xlsx.")
        ) from None
    grids: list[Grid] = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet" or str(meta.visible) != (
                "SheetVisibleEnum.Visible"
            ):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            cells = sheet.to_python(skip_empty_area=False, nrows=nrows)
            merged = list(sheet.merged_cell_ranges or [])
            first_row = sheet.start[0] if sheet.start else 0
            grids.append(Grid(meta.name, cells, merged, first_row + sheet.height))
    finally:
        workbook.close()
    if not grids:
        raise ImportFileError(_("The workbook has no visible worksheet."))
    return grids


def _texts(row: Sequence[Cell]) -> list[str]:
    return [text_of(cell) for cell in row]


def _best_heading_row(grid: list[list[Cell]]) -> tuple[int, int]:
    """(index, score) of the row that reads most like headings; a title above loses."""
    best, best_score = -1, -1
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        score = heading_score(_texts(row))
        if score > best_score:
            best, best_score = index, score
    if best_score <= 0:  # nothing we know: the first row with anything in it
        best = next((i for i, row in enumerate(grid) if any(_texts(row))), 0)
    return best, best_score


def _table(found: Grid, *, with_rows: bool) -> Table:
    grid, merged = found.cells, found.merged
    if not grid or not any(any(_texts(row)) for row in grid):
        raise ImportFileError(_("The file is empty."))
    width = max(len(row) for row in grid)
    if not with_rows:  # the headings alone: leave the hundred thousand rows below as they are
        grid = grid[: _heading_rows_limit(merged)]
    grid = [list(row) + [""] * (width - len(row)) for row in grid]
    best, _score = _best_heading_row(grid)
    top, bottom = _heading_block(grid, merged, best)
    owner = _merged_owner(merged, top, len(grid) - 1)
    headings = []
    for column in range(width):
        parts: list[str] = []
        for row in range(top, bottom + 1):
            source = owner.get((row, column), (row, column))
            value = text_of(grid[source[0]][source[1]])
            if value and (not parts or parts[-1] != value):
                parts.append(value)
        headings.append(
            "/".join(parts) or _("Column %(letter)s") % {"letter": column_letter(column)}
        )
    table = Table(
        headings=headings,
        header_row=bottom + 1,
        sheet=found.sheet,
        rows_below=max(0, found.height - bottom - 1),
    )
    if with_rows:
        merged_rows = {row for row, _column in owner}
        for index in range(bottom + 1, len(grid)):
            cells = grid[index]
            if index in merged_rows:
                cells = [
                    grid[owner[(index, c)][0]][owner[(index, c)][1]]
                    if (index, c) in owner
                    else cell
                    for c, cell in enumerate(cells)
                ]
            if any(cell not in BLANK and text_of(cell) for cell in cells):
                table.rows.append((index + 1, cells))
    return table


def _heading_rows_limit(merged: list[Range]) -> int:
    """How many rows from the top the headings can reach: the rows scanned for them, the
    one below, and any cell merged down from there."""
    limit = HEADER_SCAN_ROWS + 2
    for (r1, _c1), (r2, _c2) in merged:
        if r1 < limit:
            limit = max(limit, r2 + 2)
    return limit


def _heading_block(grid: list[list[Cell]], merged: list[Range], best: int) -> tuple[int, int]:
    """The rows that make up the headings around ``best``: a group row above it (联系人
    merged over the columns whose sub-headings ``best`` holds), heading cells merged down
    below it, or sub-headings below a group row."""
    top = bottom = best
    below = [c for c, cell in enumerate(grid[best]) if text_of(cell)]
    # A title merged across the whole table is not a group heading.
    spans = [
        (c1, c2)
        for (r1, c1), (_r2, c2) in merged
        if r1 == best - 1
        and c2 > c1
        and not (c1 <= min(below, default=0) and c2 >= max(below, default=0))
    ]
    if best > 0 and spans and any(c1 <= c <= c2 for c in below for c1, c2 in spans):
        top = best - 1
    for (r1, _c1), (r2, _c2) in merged:
        if top <= r1 <= best and r2 > bottom:
            bottom = r2
    if bottom == best and best + 1 < len(grid):
        spans = [(c1, c2) for (r1, c1), (_r2, c2) in merged if r1 == best and c2 > c1]
        below = [c for c, cell in enumerate(grid[best + 1]) if text_of(cell)]
        if (
            spans
            and below
            and all(any(c1 <= c <= c2 for c1, c2 in spans) for c in below)
            and heading_score(_texts(grid[best + 1])) > 0
        ):
            bottom = best + 1
    return top, bottom


def _merged_owner(
    merged: list[Range], first_row: int, last_row: int
) -> dict[tuple[int, int], tuple[int, int]]:
    """Every cell inside a merged range (from ``first_row`` on) → its top-left cell, which
    alone holds the value. A company merged down over five rows belongs to all five."""
    owner = {}
    for (r1, c1), (r2, c2) in merged:
        if r2 < first_row or r1 > last_row:
            continue
        for row in range(r1, r2 + 1):
            for column in range(c1, c2 + 1):
                if (row, column) != (r1, c1):
                    owner[(row, column)] = (r1, c1)
    return owner
