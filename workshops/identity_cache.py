"""Values derived from immutable objects, remembered by the objects' identity.

Session states, pupil mappings and activity states are never changed in place: a change
makes a new object. So an object's identity stands for its content, and what is derived
from it (the seats, the team lists, a team's view) can be kept until the object is
replaced. An answer replaces only the activity state, so everything derived from the
pupils is reused: O(1) per answer instead of O(pupils).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """A small cache keyed by the identity of some objects (and, optionally, plain values).

    An entry keeps its objects alive (an id alone could be reused by a stranger), so the
    cache is small and forgets the least recently used first: a join storm makes a new
    pupils mapping per pupil, and keeping hundreds of 2,000-pupil mappings cost more
    memory than the pupils' connections. Live sessions' current objects are asked for
    on every action, so they stay.
    """

    def __init__(self, size: int = 128):
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], V]] = OrderedDict()

    def _key(self, objects: tuple[Any, ...], plain: tuple[Hashable, ...]) -> tuple[Any, ...]:
        return (*map(id, objects), *plain)

    def get(self, objects: tuple[Any, ...], build: Callable[[], V], plain: tuple[Hashable, ...] = ()) -> V:
        """The value for these objects, built once while they live."""
        key = self._key(objects, plain)
        hit = self._items.get(key)
        # An id is reused after its object dies: the kept objects tell a hit from a stranger.
        if hit is not None and all(a is b for a, b in zip(hit[0], objects, strict=False)):
            self._items.move_to_end(key)
            return hit[1]
        return self.put(objects, build(), plain)

    def put(self, objects: tuple[Any, ...], value: V, plain: tuple[Hashable, ...] = ()) -> V:
        """Remember a value made elsewhere (e.g. extended from an older one)."""
        key = self._key(objects, plain)
        self._items[key] = (objects, value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def discard(self, objects: tuple[Any, ...], plain: tuple[Hashable, ...] = ()) -> None:
        """Forget the value for objects that were just replaced (and let them go)."""
        key = self._key(objects, plain)
        hit = self._items.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], objects, strict=False)):
            del self._items[key]
