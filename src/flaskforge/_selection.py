"""Resolve what the user asked for into a complete, consistent selection.

Pure functions: no disk, no output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flaskforge._catalogue import Catalogue, Component, Kind
from flaskforge.errors import ConflictingChoices, UnknownChoice, UsageError

#: The word that selects nothing: ``-e none`` is the bare service, ``-t none`` no targets.
NONE = "none"


@dataclass(frozen=True)
class Selection:
    """The extensions and targets of a project, closed over their requirements.

    Attributes:
        extensions: every enabled extension, sorted.
        targets: every deployment target, sorted.
        implied: the ones added because another one requires them, sorted.
    """

    extensions: tuple[str, ...]
    targets: tuple[str, ...]
    implied: tuple[str, ...] = ()

    def components(self, catalogue: Catalogue) -> list[Component]:
        """The base, the services needed, the extensions, then the targets, in render order."""
        chosen = [
            *(catalogue.get("extension", n) for n in self.extensions),
            *(catalogue.get("target", n) for n in self.targets),
        ]
        needed = sorted({s for c in chosen for s in c.services})
        return [catalogue.base, *(catalogue.get("service", n) for n in needed), *chosen]


def recommended_choices(catalogue: Catalogue, kind: Kind) -> tuple[str, ...]:
    """The documented default choice: the components whose manifest says ``recommended``."""
    return tuple(c.name for c in catalogue.of_kind(kind) if c.recommended)


def split_choices(values: Iterable[str]) -> list[str]:
    """Accept both ``-e a -e b`` and ``-e a,b`` (and a mix), ignoring blanks and case."""
    return [part.strip().lower() for value in values for part in value.split(",") if part.strip()]


def resolve_selection(
    catalogue: Catalogue,
    *,
    extensions: Iterable[str] | None,
    targets: Iterable[str] | None,
) -> Selection:
    """Validate the chosen names and add what they require.

    Args:
        catalogue: what exists.
        extensions: names or aliases; ``None`` takes the recommended set, ``["none"]`` nothing.
        targets: the same, for deployment targets.

    Raises:
        UnknownChoice: a name is not in the catalogue (with a "did you mean").
        ConflictingChoices: two chosen or implied extensions exclude each other.
        UsageError: ``none`` was combined with real names.
    """
    chosen_extensions = _canonical(catalogue, "extension", extensions)
    chosen_targets = _canonical(catalogue, "target", targets)
    all_extensions = _close(catalogue, "extension", chosen_extensions)
    all_targets = _close(catalogue, "target", chosen_targets)
    for name in all_extensions:
        for other in catalogue.get("extension", name).conflicts:
            if other in all_extensions:
                first, second = sorted((name, other))
                raise ConflictingChoices(first, second)
    implied = (all_extensions - chosen_extensions) | (all_targets - chosen_targets)
    return Selection(
        extensions=tuple(sorted(all_extensions)),
        targets=tuple(sorted(all_targets)),
        implied=tuple(sorted(implied)),
    )


def implied_choices(catalogue: Catalogue, kind: Kind, chosen: Iterable[str]) -> dict[str, str]:
    """For each component that ``chosen`` pulls in, the chosen one that needs it."""
    reasons: dict[str, str] = {}
    for name in sorted(set(chosen)):
        for needed in sorted(_close(catalogue, kind, {name}) - {name}):
            if needed not in chosen:
                reasons.setdefault(needed, name)
    return reasons


def _canonical(catalogue: Catalogue, kind: Kind, names: Iterable[str] | None) -> set[str]:
    if names is None:
        return set(recommended_choices(catalogue, kind))
    wanted = split_choices(names)
    if NONE in wanted:
        if len(set(wanted)) > 1:
            flag = "-e/--extension" if kind == "extension" else "-t/--target"
            raise UsageError(f"'none' cannot be combined with other values of {flag}.")
        return set()
    known = {c.name: c.name for c in catalogue.of_kind(kind)}
    known.update({alias: c.name for c in catalogue.of_kind(kind) for alias in c.aliases})
    result = set()
    for name in wanted:
        if name not in known:
            raise UnknownChoice(kind, name, sorted(known))
        result.add(known[name])
    return result


def _close(catalogue: Catalogue, kind: Kind, names: set[str]) -> set[str]:
    result: set[str] = set()
    pending = sorted(names)
    while pending:
        name = pending.pop()
        if name not in result:
            result.add(name)
            pending.extend(catalogue.get(kind, name).requires)
    return result
