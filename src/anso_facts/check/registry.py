"""Who emits each problem code: `@emits(code, ...)` on a function that makes problems, `@rule(registry,
codes=...)` on a rule of the check (which also puts it in the registry its scope runs, and fails on a finding of
a code it does not declare). Each code of the catalogue (problems.CHECKS) is declared by one function."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from anso_facts.model.problems import CHECKS, Finding, Problem

EMITTERS: dict[str, tuple[str, ...]] = {}  # "module.function" -> the codes it declares
_EMITTER_OF: dict[str, str] = {}  # code -> the one emitter that declares it

Emitter = TypeVar("Emitter", bound=Callable)
Subject = TypeVar("Subject")


def _name(emitter: Callable) -> str:
    return f"{emitter.__module__}.{emitter.__qualname__}"


def _declare(emitter: Callable, codes: tuple[str, ...]) -> None:
    name = _name(emitter)
    for code in codes:
        assert code in CHECKS, f"{name} declares {code!r}, which is not in the catalogue (problems.CHECKS)"
        assert _EMITTER_OF.setdefault(code, name) == name, f"{code!r} is declared by {_EMITTER_OF[code]} and {name}"
    EMITTERS[name] = codes


def emits(*codes: str) -> Callable[[Emitter], Emitter]:
    """Declares the codes of the problems a function makes; the function itself is left as it is."""

    def declare(emitter: Emitter) -> Emitter:
        _declare(emitter, codes)
        return emitter

    return declare


class Rule(Generic[Subject]):
    """A rule of the check: a function of its subject (one file's records, or the project) that yields findings.
    It may yield the codes it declares and those of the emitters it `uses` (whose results it reports)."""

    def __init__(self, check: Callable[[Subject], Iterable[Finding | Problem]], uses: tuple[Callable, ...]):
        self.check = check
        self.codes = EMITTERS[_name(check)]
        self.may_yield = frozenset(self.codes).union(*(EMITTERS[_name(used)] for used in uses))
        functools.update_wrapper(self, check)

    def __call__(self, subject: Subject) -> Iterator[Finding | Problem]:
        for found in self.check(subject):
            if found.code not in self.may_yield:  # raised, not asserted: a wrong code would mislead the curator
                raise AssertionError(f"{self.check.__name__} yields {found.code!r}, which it does not declare")
            yield found


def rule(
    registry: list[Rule[Subject]], codes: tuple[str, ...], uses: tuple[Callable, ...] = ()
) -> Callable[[Callable[[Subject], Iterable[Finding | Problem]]], Rule[Subject]]:
    """Declares a rule's codes and adds it to `registry` (the rules of one scope, run in the order defined)."""

    def register(check: Callable[[Subject], Iterable[Finding | Problem]]) -> Rule[Subject]:
        _declare(check, codes)
        registered = Rule(check, uses)
        registry.append(registered)
        return registered

    return register


def emitter_of() -> dict[str, str]:
    """Code -> the function that declares it, as `check.file_rules.quotes_stand_in_their_lines`: complete once
    the check's modules are imported (their declarations register them)."""
    return {code: name.removeprefix("anso_facts.") for code, name in _EMITTER_OF.items()}
