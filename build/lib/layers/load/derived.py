"""Values derived from a catalog (paths, the display basemap, projected shapes...), built once on first use.

The catalog owns one ``Derived`` cache; every module that derives something asks it by a typed ``Key``, so no
module writes attributes onto a catalog, and two sessions asking for the same value at once build it once (a
lock per key; values are treated as read-only once built).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


@dataclass(frozen=True)
class Key(Generic[T]):
    """The name of a derived value of type ``T`` (with optional parameters, e.g. a tolerance)."""

    name: str
    params: tuple[Hashable, ...] = ()

    def __call__(self, *params: Hashable) -> Key[T]:
        """The same kind of value for other parameters."""
        return Key(self.name, params)


@dataclass(eq=False)
class Derived:
    """A thread-safe, build-once cache of values keyed by :class:`Key`."""

    _values: dict[Key[Any], Any] = field(default_factory=dict)
    _locks: dict[Key[Any], threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: Key[T], build: Callable[[], T]) -> T:
        """The value under ``key``, built by ``build()`` the first time anyone asks."""
        try:
            return cast(T, self._values[key])
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = build()
            return cast(T, self._values[key])

    def __contains__(self, key: Key[Any]) -> bool:
        return key in self._values
