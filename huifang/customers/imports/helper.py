"""The import's helper process: a fork of this one, for Python work the writes wait on.

Forked, it starts with the file's rows and the importer's lookups without copying them;
it never touches the database, and what it sends back is plain tuples.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool
from typing import Any

# What the helper works on; set only while one runs (the fork inherits it).
_work: Any = None


def helper_pays_off() -> bool:
    """On one core the helper would only take turns with this process."""
    return (os.cpu_count() or 1) >= 2


@contextmanager
def forked_helper(work: Any) -> Iterator[Pool]:
    """A pool of one process forked with ``work`` (read there by `helper_work`)."""
    global _work
    _work = work
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            yield pool
    finally:
        _work = None


def helper_work() -> Any:
    assert _work is not None, "the helper is forked after the work is set"
    return _work
