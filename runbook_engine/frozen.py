"""`@frozen`: a frozen dataclass whose `__repr__`, `__eq__` and `__hash__` are shared, not compiled per class.

Python before 3.13 writes every method a dataclass gets as source text and compiles it, for every
class, at every start of the program. Under callgrind a warm `runbook walk` spent ~215 M of its
~1,090 M instructions compiling those texts (58 classes, ~3.7 M each; the floor app ~8 M).
Here `dataclasses.dataclass(frozen=True)` still makes the class (fields(), replace(), asdict(),
the `__init__`, `FrozenInstanceError` on assignment, the inheritance rules), but with `repr` and
`eq` off; those three methods then come from closures over each class's field names, which cost
no compiling: ~80 M instructions less for that walk. What is left (~135 M) is the `__init__`
and the frozen `__setattr__`/`__delattr__` pair, which dataclass compiles for any frozen class.
The shared methods return exactly what dataclass's would (tests/test_frozen.py holds them side
by side); fields with `repr=False`, `compare=False` or a `hash=` flag and methods a class writes
itself are respected the same way.
"""

from __future__ import annotations

import dataclasses
from _thread import get_ident
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        """Only type checkers read it (typing has it from 3.11 on, the package runs on 3.10)."""
        return lambda decorator: decorator


_T = TypeVar("_T")
Values = Callable[[Any], tuple[Any, ...]]


@overload
def frozen(cls: type[_T], /) -> type[_T]: ...


@overload
def frozen(*, order: bool = False, slots: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True)
def frozen(
    cls: type[_T] | None = None, /, *, order: bool = False, slots: bool = False
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """`@dataclass(frozen=True)` (with `order`, `slots` as there), its repr, eq and hash shared."""

    def wrap(cls: type[_T]) -> type[_T]:
        # dataclass refuses `order` without its own `__eq__`: such a class gets dataclass's methods.
        made = dataclasses.dataclass(frozen=True, repr=False, eq=order, order=order, slots=slots)(cls)
        return _share_methods(made, eq=not order)

    return wrap if cls is None else wrap(cls)


def _share_methods(cls: type[_T], eq: bool) -> type[_T]:
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    own = cls.__dict__
    explicit_hash = own.get("__hash__") is not None or ("__hash__" in own and "__eq__" not in own)
    if "__repr__" not in own:
        cls.__repr__ = _repr([field.name for field in fields if field.repr])  # type: ignore[method-assign]
    if eq and "__eq__" not in own:
        cls.__eq__ = _eq(_values([field.name for field in fields if field.compare]))  # type: ignore[method-assign]
    if eq and not explicit_hash:
        hashed = [field.name for field in fields if (field.compare if field.hash is None else field.hash)]
        cls.__hash__ = _hash(_values(hashed))  # type: ignore[assignment]
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.repr, params.eq = True, True  # what the class does, for whoever introspects it
    return cls


def _values(names: list[str]) -> Values:
    """A function giving an instance's values of `names` as a tuple (dataclass compares tuples)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda instance: (one(instance),)
    return lambda instance: ()


def _repr(names: list[str]) -> Callable[[Any], str]:
    running: set[tuple[int, int]] = set()

    def shared_repr(self: Any) -> str:
        # The same guard as dataclass's (reprlib.recursive_repr): a value that contains itself.
        key = id(self), get_ident()
        if key in running:
            return "..."
        running.add(key)
        try:
            shown = ", ".join([f"{name}={getattr(self, name)!r}" for name in names])
        finally:
            running.discard(key)
        return f"{self.__class__.__qualname__}({shown})"

    return shared_repr


def _eq(values: Values) -> Callable[[Any, object], Any]:
    def shared_eq(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return shared_eq


def _hash(values: Values) -> Callable[[Any], int]:
    def shared_hash(self: Any) -> int:
        return hash(values(self))

    return shared_hash
