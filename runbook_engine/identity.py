"""Who is acting: handles normalised, look-alikes refused, and a handle resolved from an account.

Pure functions only. A front end passes the account the engine itself established (the OS
account on a local store, the database login `session_user` on the team store) and whatever
handle was typed; `resolve` answers with the handle to record or refuses.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from runbook_engine.errors import Refused
from runbook_engine.frozen import frozen

MAX_HANDLE = 64
_PUNCTUATION_OK = frozenset("._-@' ")

People = Mapping[str, tuple[str, ...]]
"""handle -> the accounts (OS accounts, database logins) that act as that handle."""

_LOOKALIKES: dict[str, str] = {
    "a": "аα",
    "b": "вьβ",
    "c": "сϲ",
    "d": "ԁ",
    "e": "еεё",
    "h": "һнη",
    "i": "іιί1l",
    "j": "ј",
    "k": "кκ",
    "l": "1iіι",
    "m": "мμ",
    "n": "ηп",
    "o": "оο0σ",
    "p": "рρ",
    "q": "ԛ",
    "s": "ѕ5",
    "t": "тτ",
    "u": "υμ",
    "v": "νѵ",
    "w": "ԝω",
    "x": "хχ",
    "y": "уγү",
    "z": "ζ",
}
"""Latin letters and the Cyrillic, Greek and digit characters that pass for them on screen.
Full-width forms need no entry: NFKC folds them to ASCII before any comparison."""


@frozen
class NameProblem:
    """Why a name cannot be used (`rule` names the rule) and what to do instead."""

    rule: str
    reason: str
    hint: str


class IdentityRefused(Refused):
    """`--as` (or a login) that does not resolve to a handle; keeps the rule name."""

    def __init__(self, problem: NameProblem) -> None:
        super().__init__(f"{problem.reason} [rule: {problem.rule}]", problem.hint)
        self.problem = problem


def normalise(name: str) -> str:
    """NFKC, casefolded, trimmed, inner whitespace collapsed: `Bob`, ` bob`, `ｂｏｂ` are `bob`."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(folded.split())


def handle_problem(name: str) -> NameProblem | None:
    """A normalised handle must be short, printable letters/digits (and `._-@'` or a space)."""
    if not name:
        return NameProblem("bad_handle", "the name is empty", "give a handle, e.g. alice")
    if len(name) > MAX_HANDLE:
        return NameProblem("bad_handle", f"the name is longer than {MAX_HANDLE}", "use a short handle")
    odd = [ch for ch in name if not (ch.isalnum() or ch in _PUNCTUATION_OK)]
    if odd:
        return NameProblem(
            "bad_handle", f"{name!r} contains {odd[0]!r}", "use letters, digits and . _ - @ only"
        )
    return None


def looks_like(a: str, b: str) -> bool:
    """Whether two different normalised names read the same (one character each way at a time)."""
    if a == b or len(a) != len(b):
        return False
    return all(x == y or _confusable(x, y) for x, y in zip(a, b, strict=True))


def _confusable(x: str, y: str) -> bool:
    return y in _LOOKALIKES.get(x, "") or x in _LOOKALIKES.get(y, "") or _same_latin(x, y)


def _same_latin(x: str, y: str) -> bool:
    """Two non-Latin characters that both pass for the same Latin letter (Cyrillic о, Greek ο)."""
    return any(x in alikes and y in alikes for alikes in _LOOKALIKES.values())


def lookalike_of(name: str, known: Iterable[str]) -> str | None:
    """The known handle `name` imitates, or None."""
    return next((handle for handle in known if looks_like(name, handle)), None)


def name_problem(name: str, known: Iterable[str], people: People | None) -> NameProblem | None:
    """Why a (normalised) person's name may not be used: malformed, a look-alike, or unknown."""
    problem = handle_problem(name)
    if problem is None and name != normalise(name):
        problem = NameProblem("bad_handle", f"{name!r} is not normalised", f"write {normalise(name)!r}")
    if problem is not None:
        return problem
    known = (*people, *known) if people else tuple(known)
    if name in known:
        return None
    imitated = lookalike_of(name, known)
    if imitated is not None:
        return NameProblem(
            "lookalike_handle",
            f"{name!r} looks like the handle {imitated!r} but is a different name",
            f"type {imitated!r} in plain letters if you mean that person",
        )
    if people:
        return NameProblem(
            "unknown_person",
            f"{name!r} is not in the policy's people section",
            "known people: " + ", ".join(sorted(people)),
        )
    return None


def handles_of(account: str, people: People) -> tuple[str, ...]:
    """The handles an account may act as (a valid people section gives at most one)."""
    return tuple(handle for handle, accounts in people.items() if account in accounts)


def resolve(handle_typed: str | None, account: str, people: People | None) -> str:
    """The handle `account` acts as; `handle_typed` (from `--as`) must be that handle.

    With no people section the account is the handle, so solo use needs no setup.
    Raises IdentityRefused otherwise.
    """
    typed = normalise(handle_typed) if handle_typed is not None else None
    if not people:
        return _solo(typed, account)
    mine = handles_of(account, people)
    if not mine:
        raise IdentityRefused(
            NameProblem(
                "unknown_account",
                f"account {account!r} is not in the policy's people section",
                f"ask the IC to add {account!r} under your handle (runbook incident policy ...)",
            )
        )
    if typed is None or typed in mine:
        return typed or mine[0]
    raise IdentityRefused(_not_yours(typed, account, mine, people))


def _solo(typed: str | None, account: str) -> str:
    handle = normalise(account)
    if typed is None or typed == handle:
        return handle
    raise IdentityRefused(
        NameProblem(
            "not_your_handle",
            f"account {account!r} acts as {handle!r}, not {typed!r} (the policy has no people section)",
            "drop --as, or map handles to accounts in the policy's people section",
        )
    )


def _not_yours(typed: str, account: str, mine: tuple[str, ...], people: People) -> NameProblem:
    imitated = lookalike_of(typed, people)
    if imitated is not None:
        return NameProblem(
            "lookalike_handle",
            f"{typed!r} looks like the handle {imitated!r} but is a different name",
            f"account {account!r} acts as {mine[0]!r}: drop --as",
        )
    return NameProblem(
        "not_your_handle",
        f"account {account!r} may act as {', '.join(mine)}, not {typed!r}",
        f"drop --as (you are {mine[0]!r}), or ask the IC to map {account!r} to {typed!r} in the policy",
    )


def people_problem(people: People) -> str | None:
    """Why a people section cannot be used: a bad or look-alike handle, or a shared account."""
    seen: dict[str, str] = {}
    handles: list[str] = []
    for handle, accounts in people.items():
        problem = (
            handle_problem(handle)
            if handle == normalise(handle)
            else NameProblem(
                "bad_handle", f"handle {handle!r} is not normalised", f"write it as {normalise(handle)!r}"
            )
        )
        if problem is not None:
            return f"people: {problem.reason} ({problem.hint})"
        imitated = lookalike_of(handle, handles)
        if imitated is not None:
            return f"people: {handle!r} looks like {imitated!r}; handles must read differently"
        handles.append(handle)
        for account in accounts:
            if account in seen:
                return f"people: account {account!r} is listed under {seen[account]!r} and {handle!r}"
            seen[account] = handle
    return None
