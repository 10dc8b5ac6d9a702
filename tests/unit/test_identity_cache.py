"""The identity-keyed cache behind the per-pupils indexes and the shared views."""

from __future__ import annotations

from workshops.identity_cache import IdentityCache


def test_a_value_is_built_once_per_living_object():
    cache: IdentityCache[int] = IdentityCache()
    pupils = {"p1": "Aino"}
    calls = []
    for _ in range(3):
        assert cache.get((pupils,), lambda: calls.append(1) or len(pupils)) == 1
    assert len(calls) == 1


def test_an_equal_but_different_object_is_not_a_hit():
    cache: IdentityCache[str] = IdentityCache()
    first, second = {"p1": "Aino"}, {"p1": "Aino"}
    assert cache.get((first,), lambda: "first") == "first"
    assert cache.get((second,), lambda: "second") == "second"


def test_plain_values_are_part_of_the_key():
    cache: IdentityCache[str] = IdentityCache()
    state = object()
    assert cache.get((state,), lambda: "t1", plain=("t1",)) == "t1"
    assert cache.get((state,), lambda: "t2", plain=("t2",)) == "t2"
    assert cache.get((state,), lambda: "again", plain=("t1",)) == "t1"


def test_a_reused_id_of_a_dead_object_is_not_a_hit():
    cache: IdentityCache[str] = IdentityCache()
    kept = {"old": 1}
    cache.put((kept,), "old")
    # Pretend another object got the same id: the kept object tells them apart.
    key = next(iter(cache._items))
    cache._items[key] = ((object(),), "stale")
    assert cache.get((kept,), lambda: "fresh") == "fresh"


def test_it_stays_small():
    cache: IdentityCache[int] = IdentityCache(size=4)
    objects = [object() for _ in range(10)]
    for i, obj in enumerate(objects):
        cache.put((obj,), i)
    assert len(cache._items) <= 4


def test_what_is_asked_for_stays_and_the_oldest_goes():
    # Forty classes' current states are asked for on every action; a storm's old ones are not.
    cache: IdentityCache[str] = IdentityCache(size=3)
    hot, a, b, c = object(), object(), object(), object()
    cache.put((hot,), "hot")
    for stale in (a, b, c):
        cache.put((stale,), "stale")
        assert cache.get((hot,), lambda: "rebuilt") == "hot"
    assert cache.get((a,), lambda: "rebuilt") == "rebuilt"  # the least recently used went first
    assert cache.get((hot,), lambda: "rebuilt again") == "hot"


def test_discard_forgets_only_that_object():
    cache: IdentityCache[str] = IdentityCache()
    old, new = {"p1": 1}, {"p1": 1, "p2": 2}
    cache.put((old,), "old")
    cache.put((new,), "new")
    cache.discard(({"p1": 1},))  # equal, not the same: nothing happens
    assert cache.get((old,), lambda: "rebuilt") == "old"
    cache.discard((old,))
    assert cache.get((old,), lambda: "rebuilt") == "rebuilt"
    assert cache.get((new,), lambda: "rebuilt") == "new"
