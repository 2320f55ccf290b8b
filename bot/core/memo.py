"""A bounded least-recently-used memo that holds no reference to the object it serves."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Up to `size` computed values by key, the least recently used dropped first.

    Unlike `functools.lru_cache` wrapped around a bound method and stored on its object, a
    memo never refers back to its owner: an engine that a reload replaces is freed at once by
    reference counting, not left in a reference cycle (which a frozen collector never frees).
    """

    def __init__(self, size: int) -> None:
        """Keep at most `size` values; 0 keeps none."""
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, key: K, compute: Callable[[K], V]) -> V:
        """The value remembered for `key`, or `compute(key)`, remembered from now on."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute(key)
        if self._size:
            with self._lock:
                self._values[key] = value
                if len(self._values) > self._size:
                    self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        """How many values are remembered."""
        return len(self._values)
