"""Backends chosen by name: one :class:`Registry` per stage (OCR engines, taggers, stores...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from invoicer.errors import UnknownBackendError

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps names to factories; ``create(name)`` raises :class:`UnknownBackendError` listing valid names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}
        self._descriptions: dict[str, str] = {}

    def register(self, name: str, description: str = "") -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator registering a factory (usually a class) under ``name``."""

        def decorator(factory: Callable[..., T]) -> Callable[..., T]:
            if name in self._factories and self._factories[name] is not factory:
                raise ValueError(f"{self.kind} backend {name!r} is already registered")
            self._factories[name] = factory
            doc = description or (factory.__doc__ or "").strip().splitlines()[0:1]
            self._descriptions[name] = doc if isinstance(doc, str) else (doc[0] if doc else "")
            return factory

        return decorator

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._factories))

    def describe(self) -> dict[str, str]:
        return {n: self._descriptions[n] for n in self.names()}

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def get(self, name: str) -> Callable[..., T]:
        try:
            return self._factories[name]
        except KeyError:
            raise UnknownBackendError(self.kind, name, self._factories) from None

    def create(self, name: str, *args: Any, **kwargs: Any) -> T:
        """Instantiate the backend called ``name``."""
        return self.get(name)(*args, **kwargs)
