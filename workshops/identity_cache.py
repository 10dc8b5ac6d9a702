"""Values derived from immutable objects, remembered by the objects' identity.

Session states, pupil mappings and activity states are never changed in place: a change
makes a new object. So an object's identity stands for its content, and what is derived
from it (the seats, the team lists, a team's view) can be kept until the object is
replaced. An answer replaces only the activity state, so everything derived from the
pupils is reused: O(1) per answer instead of O(pupils).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """A small cache keyed by the identity of some objects (and, optionally, plain values)."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: dict[tuple[Any, ...], tuple[tuple[Any, ...], V]] = {}

    def _key(self, objects: tuple[Any, ...], plain: tuple[Hashable, ...]) -> tuple[Any, ...]:
        return (*map(id, objects), *plain)

    def get(self, objects: tuple[Any, ...], build: Callable[[], V], plain: tuple[Hashable, ...] = ()) -> V:
        """The value for these objects, built once while they live."""
        hit = self._items.get(self._key(objects, plain))
        # An id is reused after its object dies: the kept objects tell a hit from a stranger.
        if hit is not None and all(a is b for a, b in zip(hit[0], objects)):
            return hit[1]
        return self.put(objects, build(), plain)

    def put(self, objects: tuple[Any, ...], value: V, plain: tuple[Hashable, ...] = ()) -> V:
        """Remember a value made elsewhere (e.g. extended from an older one)."""
        if len(self._items) >= self.size:
            self._items.clear()  # cheaper than LRU bookkeeping; live objects are rebuilt once
        self._items[self._key(objects, plain)] = (objects, value)
        return value
