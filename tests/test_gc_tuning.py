"""The collector settings the bot runs with once its knowledge base is loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.gc_tuning import GC_YOUNG_THRESHOLD, settle_garbage_collection


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_settling_freezes_what_is_loaded_and_widens_the_young_generation(
    restored_collector: None,
) -> None:
    loaded = [[] for _ in range(3)]  # lists: objects the collector tracks
    old_thresholds = gc.get_threshold()
    settle_garbage_collection()
    # Frozen: no generation holds them, so no collection walks them again.
    assert not any(tracked is loaded for tracked in gc.get_objects())
    assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *old_thresholds[1:])
