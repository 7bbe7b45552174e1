"""Three-way merges: of one file, and of a whole project tree. Pure apart from ``git merge-file``.

Every lifecycle command has the same three inputs: the *base* (the clean render the project
started from, its baseline), *yours* (the project as its owner has it) and the *target* (the
clean render the command moves to). What changed from base to target is merged into yours the
way ``git merge`` merges a branch; where both changed the same lines, the file gets the usual
conflict markers. Files are compared and merged in the owner's own line endings, so a checkout
with CRLF line endings (Windows, ``core.autocrlf``) merges like any other.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum

#: Labels on conflict markers: the user's side, the common ancestor, flaskforge's side.
LABELS = ("yours", "before", "flaskforge")
#: How alike a deleted and a new file must be to count as one file renamed (as git's default).
RENAME_SIMILARITY = 0.5


class Outcome(Enum):
    """What happens to one file."""

    UNCHANGED = "unchanged"  # nothing to do: the change does not touch it, or it is already so
    CREATED = "created"  # a new file
    UPDATED = "updated"  # the user had not edited it: it becomes the new render
    MERGED = "merged"  # the user had edited it: both changes kept
    CONFLICT = "conflict"  # both changed the same lines: written with conflict markers
    KEPT = "kept"  # the user deleted a file flaskforge changes: left deleted
    DELETED = "deleted"  # flaskforge no longer generates it and the user had not edited it
    LEFT = "left"  # flaskforge no longer generates it but the user edited it: left in place
    MOVED = "moved"  # flaskforge renamed it; the user's edits, if any, came along
    MIGRATED = "migrated"  # a version's migration changed a file no render has (such as .env)


@dataclass(frozen=True)
class FileMerge:
    """The result for one file: what happened and its bytes afterwards (None: absent)."""

    outcome: Outcome
    content: bytes | None = None


@dataclass(frozen=True)
class FileChange:
    """One file of a plan: its path, what happens to it, and its bytes before and after.

    Attributes:
        path: the file, relative to the project.
        outcome: what happens to it.
        before: its bytes now (None when absent; for a moved file, at ``moved_from``).
        after: its bytes afterwards (None when absent afterwards).
        moved_from: for a moved file, where it was (and is deleted from).
        executable: whether a file that is created should be executable.
    """

    path: str
    outcome: Outcome
    before: bytes | None
    after: bytes | None
    moved_from: str | None = None
    executable: bool = False

    @property
    def writes(self) -> bool:
        """Whether applying the change writes or deletes anything."""
        return self.before != self.after or self.moved_from is not None

    def diff(self) -> str:
        """A unified diff of the change, for --dry-run."""
        if self.moved_from is not None:
            origin = f"a/{self.moved_from}"
        else:
            origin = f"a/{self.path}" if self.before is not None else "/dev/null"
        destination = f"b/{self.path}" if self.after is not None else "/dev/null"
        text = "".join(
            difflib.unified_diff(_lines(self.before), _lines(self.after), origin, destination)
        )
        if not text and self.moved_from is not None:
            text = f"rename from {self.moved_from}\nrename to {self.path}\n"
        return text


def _lines(content: bytes | None) -> list[str]:
    return (content or b"").decode("utf-8", errors="replace").splitlines(keepends=True)


def merge_file(yours: bytes | None, before: bytes | None, after: bytes | None) -> FileMerge:
    """Decide what one file becomes.

    Args:
        yours: the file in the project now (None if absent).
        before: the base render (None if the base has no such file).
        after: the target render (None if the target has no such file).

    Returns:
        The outcome, and the file's bytes afterwards (``yours`` when it is left as it is).
    """
    if yours is not None and is_crlf(yours):
        # A CRLF checkout of LF renders: compare and merge in the file's own line endings.
        before = to_crlf(before) if before is not None else None
        after = to_crlf(after) if after is not None else None
    if before == after or yours == after:
        return FileMerge(Outcome.UNCHANGED, yours)
    if after is None:
        if yours is None:
            return FileMerge(Outcome.UNCHANGED)
        return FileMerge(Outcome.DELETED) if yours == before else FileMerge(Outcome.LEFT, yours)
    if yours is None:
        if before is None:
            return FileMerge(Outcome.CREATED, after)
        return FileMerge(Outcome.KEPT)
    if yours == before:
        return FileMerge(Outcome.UPDATED, after)
    merged, clean = three_way(yours, before or b"", after)
    return FileMerge(Outcome.MERGED if clean else Outcome.CONFLICT, merged)


def three_way(yours: bytes, before: bytes, after: bytes) -> tuple[bytes, bool]:
    """Merge ``before -> after`` into ``yours``; returns the text and whether it was clean.

    A binary file (one holding a NUL byte) is never merged line by line: it comes back as the
    user has it, as a conflict.
    """
    if b"\0" in yours or b"\0" in before or b"\0" in after:
        return yours, False
    from flaskforge._git import merge_file as git_merge_file

    return git_merge_file(yours, before, after, LABELS)


def is_crlf(content: bytes) -> bool:
    """Whether every line of ``content`` ends in CRLF (and there is at least one line break)."""
    newlines = content.count(b"\n")
    return newlines > 0 and content.count(b"\r\n") == newlines


def to_crlf(content: bytes) -> bytes:
    """``content`` with every line ending CRLF."""
    return content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


Reader = Callable[[str], "bytes | None"]


def merge_trees(
    base: Mapping[str, bytes],
    yours: Reader,
    target: Mapping[str, bytes],
    *,
    executable: Mapping[str, bool] | None = None,
    replaced: frozenset[str] = frozenset(),
) -> list[FileChange]:
    """Plan the move of a project from ``base`` to ``target``, keeping what its owner changed.

    Args:
        base: the clean render the project started from (relative path -> bytes).
        yours: reads the project's file at a path (None when absent).
        target: the clean render to move to.
        executable: for target files, whether they are executable.
        replaced: paths whose target content replaces the owner's outright (the record).

    Returns:
        Every file that changes or needs the owner's attention, sorted by path. A file the
        target renamed (deleted in one place, added alike in another) is one ``MOVED`` change.
    """
    executable = executable or {}
    renames = _renames(base, target, yours)
    moved_to = {new: old for old, new in renames.items()}
    changes = []
    for path in sorted(set(base) | set(target)):
        if path in renames:
            continue  # planned at its new path
        if path in moved_to:
            change = _moved(moved_to[path], path, base, yours, target)
        elif path in replaced:
            current = yours(path)
            after = target.get(path)
            if current is not None and after is not None and is_crlf(current):
                after = to_crlf(after)
            outcome = Outcome.UNCHANGED if current == after else Outcome.UPDATED
            change = FileChange(path, outcome, current, after)
        else:
            current = yours(path)
            result = merge_file(current, base.get(path), target.get(path))
            change = FileChange(path, result.outcome, current, result.content)
        if change.outcome is not Outcome.UNCHANGED:
            new_file = change.after is not None and (
                change.before is None or change.moved_from is not None
            )
            changes.append(replace(change, executable=new_file and executable.get(path, False)))
    return changes


def _moved(
    old: str, new: str, base: Mapping[str, bytes], yours: Reader, target: Mapping[str, bytes]
) -> FileChange:
    mine = yours(old)
    if mine is None:
        # The owner deleted the file before flaskforge renamed it: it stays deleted.
        return FileChange(new, Outcome.KEPT, None, None)
    result = merge_file(mine, base[old], target[new])
    content = result.content if result.content is not None else mine
    outcome = Outcome.CONFLICT if result.outcome is Outcome.CONFLICT else Outcome.MOVED
    return FileChange(new, outcome, mine, content, moved_from=old)


def _renames(
    base: Mapping[str, bytes], target: Mapping[str, bytes], yours: Reader
) -> dict[str, str]:
    """Files the target renamed: old path -> new path, by content similarity, best first."""
    gone = [p for p in sorted(base) if p not in target]
    added = [p for p in sorted(target) if p not in base and yours(p) is None]
    if not gone or not added:
        return {}
    scored = []
    for old in gone:
        if not base[old].strip():
            continue  # empty files are all alike: never a rename (git agrees)
        for new in added:
            similarity = _similarity(base[old], target[new])
            if similarity >= RENAME_SIMILARITY:
                # Between equally alike candidates, one with the same file name wins.
                same_name = old.rsplit("/", 1)[-1] == new.rsplit("/", 1)[-1]
                scored.append((-similarity, not same_name, old, new))
    renames: dict[str, str] = {}
    for _, _, old, new in sorted(scored):
        if old not in renames and new not in renames.values():
            renames[old] = new
    return renames


def _similarity(a: bytes, b: bytes) -> float:
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a.splitlines(), b.splitlines(), autojunk=False)
    if matcher.real_quick_ratio() < RENAME_SIMILARITY or matcher.quick_ratio() < RENAME_SIMILARITY:
        return 0.0
    return matcher.ratio()
