"""Bulk work that builds a great many objects without making cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cycle collection inside: every full collection walks every live object again,
    and a workbook's hundred thousand rows (a million cells) are all live at once. What
    the work frees goes by reference counting; the collector resumes as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
