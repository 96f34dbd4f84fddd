"""Bulk work pauses the cycle collector and leaves it as it found it, even on failure."""

from __future__ import annotations

import gc

import pytest

from huifang.core.memory import cycle_collection_paused


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_inside_and_left_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(ValueError), cycle_collection_paused():
            assert not gc.isenabled()
            raise ValueError("a bad workbook")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
