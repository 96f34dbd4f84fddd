"""Draft the next chunks' customers in a second process while this one writes.

Drafting (Python) and writing (the database) then overlap on a machine with two cores:
the import takes about as long as its writes. The helper is a fork of this process, so it
starts with the file's rows and the importer's lookups; it never touches the database, and
only drafts (plain tuples) travel back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence

from huifang.customers.imports.drafts import Draft, Drafter
from huifang.customers.imports.rows import Group

# What the forked helper drafts from; set only while a helper runs.
_work: tuple[Drafter, Sequence[Sequence[Group]]] | None = None


def draft_chunk(drafter: Drafter, groups: Sequence[Group]) -> list[Draft]:
    return [drafter.draft(drafter.candidate(group)) for group in groups]


def _draft_chunk_in_helper(index: int) -> list[Draft]:
    assert _work is not None, "the helper is forked after the work is set"
    drafter, chunks = _work
    return draft_chunk(drafter, chunks[index])


def drafts_ahead(drafter: Drafter, chunks: Sequence[Sequence[Group]]) -> Iterator[list[Draft]]:
    """The drafts of each chunk, in order. The first chunk is drafted here (nothing to wait
    for); a helper process drafts the rest meanwhile, running ahead of the writes."""
    global _work
    if len(chunks) < 2 or (os.cpu_count() or 1) < 2:
        for chunk in chunks:
            yield draft_chunk(drafter, chunk)
        return
    _work = (drafter, chunks)
    try:
        with multiprocessing.get_context("fork").Pool(1) as helper:
            later = helper.imap(_draft_chunk_in_helper, range(1, len(chunks)))
            yield draft_chunk(drafter, chunks[0])
            yield from later
    finally:
        _work = None
