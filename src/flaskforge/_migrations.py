"""Version-specific steps of ``flaskforge update`` that a three-way merge cannot express.

A merge carries every change between two clean renders into the owner's files. It cannot reach
what no render has: the owner's ``.env`` when a setting is renamed, a file of the owner's own
that must move with the layout. Each such step is a small :class:`Migration`, keyed by the
flaskforge version whose templates need it. ``update`` runs, in version order, every migration
after the project's version up to the installed one, on the owner's files and on the baseline
alike, before merging, so the merge then sees only what else changed.

Every migration carries an example (files before, files after) and the test suite runs each
one on it: a migration cannot be registered untested.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from flaskforge._versions import compare, version_key


class ProjectFiles:
    """The files a migration may read: a listing and a reader. Writes are returned, not made."""

    def __init__(self, paths: Iterable[str], read: Callable[[str], bytes | None]) -> None:
        """A view of ``paths``, each read with ``read`` (None when absent)."""
        self._paths = sorted(set(paths))
        self._read = read

    def paths(self) -> list[str]:
        """Every file, relative to the project, sorted."""
        return list(self._paths)

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when it does not exist."""
        return self._read(path)


#: What a migration returns: relative path -> new bytes, or None to delete the file.
Changes = dict[str, "bytes | None"]


@dataclass(frozen=True)
class Migration:
    """One version-specific step.

    Attributes:
        version: the flaskforge version whose templates need it; it runs when a project moves
            from an older version to this one or later.
        summary: one line for the user, saying what it does.
        change: reads the project's files and returns the files it changes.
        example: files before and after, the test every migration must pass.
    """

    version: str
    summary: str
    change: Callable[[ProjectFiles], Changes]
    example: tuple[Mapping[str, bytes], Mapping[str, bytes]]


#: Every migration flaskforge has, in version order. Add new ones at the end.
MIGRATIONS: list[Migration] = []


def due(
    recorded: str, installed: str, migrations: Iterable[Migration] | None = None
) -> list[Migration]:
    """The migrations for a move from ``recorded`` to ``installed``, in the order they run."""
    chosen = [
        m
        for m in (MIGRATIONS if migrations is None else migrations)
        if compare(recorded, m.version) < 0 <= compare(installed, m.version)
    ]
    return sorted(chosen, key=lambda m: version_key(m.version))


def run(migrations: Iterable[Migration], files: ProjectFiles) -> Changes:
    """Run ``migrations`` one after another on ``files``; returns every file they change."""
    changes: Changes = {}

    def read(path: str) -> bytes | None:
        return changes[path] if path in changes else files.read(path)

    for migration in migrations:
        paths = (set(files.paths()) | set(changes)) - {p for p, c in changes.items() if c is None}
        changes.update(migration.change(ProjectFiles(paths, read)))
    return changes


def rename_setting(old: str, new: str) -> Callable[[ProjectFiles], Changes]:
    """A migration that renames the setting ``old`` to ``new`` in every env file.

    Env files are ``.env``, ``.env.*`` and ``*.env`` anywhere in the project (the owner's own
    ``.env`` and the Kubernetes ``secrets.env`` files no render has); a line ``OLD=value`` (or
    ``export OLD=value``) becomes ``NEW=value``.
    """
    line = re.compile(rb"^(\s*(?:export\s+)?)" + re.escape(old.encode()) + rb"(\s*=)", re.M)

    def change(files: ProjectFiles) -> Changes:
        changed: Changes = {}
        for path in files.paths():
            name = path.rsplit("/", 1)[-1]
            if not (name == ".env" or name.startswith(".env.") or name.endswith(".env")):
                continue
            content = files.read(path)
            if content is None:
                continue
            renamed = line.sub(rb"\g<1>" + new.encode() + rb"\g<2>", content)
            if renamed != content:
                changed[path] = renamed
        return changed

    return change


def move_file(old: str, new: str) -> Callable[[ProjectFiles], Changes]:
    """A migration that moves the file ``old`` to ``new``, unless ``new`` exists already."""

    def change(files: ProjectFiles) -> Changes:
        content = files.read(old)
        if content is None or files.read(new) is not None:
            return {}
        return {old: None, new: content}

    return change


#: Folders never searched for files to migrate: tools' caches and environments.
_SKIPPED = {
    ".flaskforge-journal",
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    "build",
    "dist",
}


def disk_paths(root: Path) -> list[str]:
    """Every file below ``root`` a migration may touch, relative, sorted (caches skipped)."""
    found: list[str] = []
    for folder, folders, names in os.walk(root):
        folders[:] = [f for f in folders if f not in _SKIPPED and not f.endswith("_cache")]
        base = Path(folder).relative_to(root)
        found.extend((base / name).as_posix() for name in names)
    return sorted(found)
