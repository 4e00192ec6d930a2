"""`@frozen` classes behave exactly as `@dataclass(frozen=True)` ones: each case is built both ways."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from runbook_engine.frozen import frozen
from runbook_engine.timeline.events import Actor

Decorate = Callable[[type[Any]], type[Any]]
BOTH: list[Decorate] = [frozen, dataclass(frozen=True)]


def _point(decorate: Decorate) -> Any:
    @decorate
    class Point:
        """Fields of every kind dataclass treats apart."""

        x: int
        y: float = 0.0
        note: str = field(default="", repr=False, compare=False)
        tags: tuple[str, ...] = field(default=(), hash=False)
        kept: list[Any] = field(default_factory=list, hash=False)
        unit: ClassVar[str] = "m"

    return Point


def _empty(decorate: Decorate) -> Any:
    @decorate
    class Empty:
        """No fields at all."""

    return Empty


def _single(decorate: Decorate) -> Any:
    @decorate
    class Single:
        """One field: dataclass still compares and hashes a 1-tuple."""

        value: float

    return Single


def _own_methods(decorate: Decorate) -> Any:
    @decorate
    class Own:
        """Methods the class writes itself win over generated ones."""

        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Own) and other.name.lower() == self.name.lower()

        def __hash__(self) -> int:
            return hash(self.name.lower())

    return Own


def _eq_only(decorate: Decorate) -> Any:
    @decorate
    class EqOnly:
        """Its own __eq__ and no __hash__: dataclass still adds one."""

        name: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, EqOnly) and other.name == self.name

    return EqOnly


def _unhashable(decorate: Decorate) -> Any:
    @decorate
    class Unhashable:
        """`__hash__ = None` written by hand stays."""

        name: str
        __hash__ = None  # type: ignore[assignment]

    return Unhashable


CASES: list[tuple[Callable[[Decorate], Any], list[dict[str, Any]]]] = [
    (_point, [{"x": 1}, {"x": 1, "y": 2.5, "note": "a"}, {"x": 1, "note": "b"}, {"x": 1, "tags": ("t",)},
              {"x": 2, "y": math.nan}, {"x": 1, "kept": [1]}]),
    (_empty, [{}]),
    (_single, [{"value": 1.0}, {"value": math.nan}, {"value": 2.0}]),
    (_own_methods, [{"name": "A"}, {"name": "a"}, {"name": "b"}]),
    (_eq_only, [{"name": "A"}, {"name": "B"}]),
    (_unhashable, [{"name": "A"}]),
]


def _outcome(action: Callable[[], Any]) -> Any:
    """What `action` gives, or the type and text of what it raises."""
    try:
        return action()
    except Exception as error:
        return (type(error), str(error))


@pytest.mark.parametrize(("make", "kwargs_list"), CASES, ids=[case[0].__name__ for case in CASES])
def test_repr_eq_hash_and_freezing_match_dataclass(
    make: Callable[[Decorate], Any], kwargs_list: list[dict[str, Any]]
) -> None:
    ours, theirs = (make(decorate) for decorate in BOTH)
    for kwargs in kwargs_list:
        mine, reference = ours(**kwargs), theirs(**kwargs)
        assert repr(mine) == repr(reference)
        assert _outcome(lambda: hash(mine)) == _outcome(lambda: hash(reference))  # noqa: B023
        assert _outcome(lambda: setattr(mine, "x", 5)) == _outcome(lambda: setattr(reference, "x", 5))  # noqa: B023
        assert _outcome(lambda: delattr(mine, "x")) == _outcome(lambda: delattr(reference, "x"))  # noqa: B023
        assert dataclasses.asdict(mine) == dataclasses.asdict(reference)
        for other in kwargs_list:
            assert (mine == ours(**other)) == (reference == theirs(**other))
            assert (mine != ours(**other)) == (reference != theirs(**other))
        assert mine == mine and (mine == reference) is False
    assert [(f.name, f.repr, f.compare, f.hash) for f in dataclasses.fields(ours)] == [
        (f.name, f.repr, f.compare, f.hash) for f in dataclasses.fields(theirs)
    ]
    assert repr(ours.__dataclass_params__) == repr(theirs.__dataclass_params__)
    assert ours.__match_args__ == theirs.__match_args__


def test_a_value_that_contains_itself_is_shown_as_dataclass_shows_it() -> None:
    ours, theirs = (_point(decorate) for decorate in BOTH)
    mine, reference = ours(1), theirs(1)
    mine.kept.append(mine)
    reference.kept.append(reference)
    assert repr(mine) == repr(reference) == "_point.<locals>.Point(x=1, y=0.0, tags=(), kept=[...])"


def test_assignment_raises_frozen_instance_error_and_replace_copy_pickle_work() -> None:
    actor = Actor.current("walker")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        actor.name = "mallory"  # type: ignore[misc]
    renamed = dataclasses.replace(actor, name="other")
    assert renamed.name == "other" and renamed != actor
    assert copy.deepcopy(actor) == actor and hash(copy.copy(actor)) == hash(actor)
    assert pickle.loads(pickle.dumps(actor)) == actor


def test_slots_and_order_are_passed_on() -> None:
    @frozen(slots=True)
    class Slotted:
        """Slotted: no __dict__, still frozen, still copies."""

        a: int
        b: str = "x"

    @frozen(order=True)
    class Ordered:
        """Ordered: dataclass's own comparisons."""

        a: int

    assert not hasattr(Slotted(1), "__dict__") and Slotted.__slots__ == ("a", "b")
    assert repr(Slotted(1)) == "test_slots_and_order_are_passed_on.<locals>.Slotted(a=1, b='x')"
    assert copy.deepcopy(Slotted(1)) == Slotted(1)  # through __getstate__/__setstate__, as pickle
    with pytest.raises(dataclasses.FrozenInstanceError):
        Slotted(1).a = 2  # type: ignore[misc]
    assert sorted([Ordered(2), Ordered(1)]) == [Ordered(1), Ordered(2)]
    assert hash(Ordered(1)) == hash((1,))


def test_a_subclass_is_compared_only_with_its_own_class() -> None:
    ours, theirs = (_single(decorate) for decorate in BOTH)

    class Derived(ours):  # type: ignore[misc, valid-type]
        pass

    class DerivedReference(theirs):  # type: ignore[misc, valid-type]
        pass

    assert (ours(1.0) == Derived(1.0)) is (theirs(1.0) == DerivedReference(1.0)) is False
    assert repr(Derived(1.0)).endswith("Derived(value=1.0)")
    assert hash(Derived(1.0)) == hash(DerivedReference(1.0))

    @frozen
    class Child(ours):  # type: ignore[misc, valid-type]
        """A frozen dataclass may derive from a @frozen one: dataclass's rules are kept."""

        extra: int = 0

    assert repr(Child(1.0, 2)).endswith("Child(value=1.0, extra=2)")
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen one"):
        dataclass(type("Loose", (ours,), {"__annotations__": {"more": "int"}}))
