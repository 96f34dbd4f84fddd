"""Draft the next chunks' customers in a second process while this one writes.

Drafting (Python) and writing (the database) then overlap on a machine with two cores:
the import takes about as long as its writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from huifang.customers.imports.drafts import Draft, Drafter
from huifang.customers.imports.helper import forked_helper, helper_pays_off, helper_work
from huifang.customers.imports.rows import Group


def draft_chunk(drafter: Drafter, groups: Sequence[Group]) -> list[Draft]:
    return [drafter.draft(drafter.candidate(group)) for group in groups]


def _draft_chunk_in_helper(index: int) -> list[Draft]:
    drafter, chunks = helper_work()
    return draft_chunk(drafter, chunks[index])


def drafts_ahead(drafter: Drafter, chunks: Sequence[Sequence[Group]]) -> Iterator[list[Draft]]:
    """The drafts of each chunk, in order. The first chunk is drafted here (nothing to wait
    for); a helper process drafts the rest meanwhile, running ahead of the writes."""
    if len(chunks) < 2 or not helper_pays_off():
        for chunk in chunks:
            yield draft_chunk(drafter, chunk)
        return
    with forked_helper((drafter, chunks)) as helper:
        later = helper.imap(_draft_chunk_in_helper, range(1, len(chunks)))
        yield draft_chunk(drafter, chunks[0])
        yield from later
