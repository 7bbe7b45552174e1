"""Three-way merge of one file: the user's version, the old render and the new render.

``flaskforge add-extension`` renders the current templates twice, with the project's recorded
answers (the *base*) and with the larger selection (the *target*). What changed between the two
is exactly what the extension brings; it is merged into the user's file the way ``git merge``
would, with ``git merge-file``. Pure apart from the temporary files git needs.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

#: Labels on conflict markers: the user's side, the common ancestor, flaskforge's side.
LABELS = ("yours", "before", "flaskforge")


class Outcome(Enum):
    """What happens to one file."""

    UNCHANGED = "unchanged"  # nothing to do: the extension does not touch it, or it is already so
    CREATED = "created"  # a new file
    UPDATED = "updated"  # the user had not edited it: it becomes the new render
    MERGED = "merged"  # the user had edited it: both changes kept
    CONFLICT = "conflict"  # both changed the same lines: written with conflict markers
    KEPT = "kept"  # the user deleted a file the extension changes: left deleted


@dataclass(frozen=True)
class FileMerge:
    """The result for one file: what happened and the content to write (None: leave as is)."""

    outcome: Outcome
    content: bytes | None = None


def merge_file(yours: bytes | None, before: bytes | None, after: bytes | None) -> FileMerge:
    """Decide what one file becomes.

    Args:
        yours: the file in the project now (None if absent).
        before: the old render (None if the old selection had no such file).
        after: the new render (None if the new selection has no such file).
    """
    if before == after or yours == after:
        return FileMerge(Outcome.UNCHANGED)
    if after is None:
        # Adding components never removes a file today; keep the user's copy if there is one.
        return FileMerge(Outcome.UNCHANGED)
    if yours is None:
        if before is None:
            return FileMerge(Outcome.CREATED, after)
        return FileMerge(Outcome.KEPT)
    if yours == before:
        return FileMerge(Outcome.UPDATED, after)
    merged, clean = three_way(yours, before or b"", after)
    return FileMerge(Outcome.MERGED if clean else Outcome.CONFLICT, merged)


def three_way(yours: bytes, before: bytes, after: bytes) -> tuple[bytes, bool]:
    """Merge ``before -> after`` into ``yours``; returns the text and whether it was clean."""
    from flaskforge._git import require_git

    git = require_git()
    with tempfile.TemporaryDirectory(prefix="flaskforge-merge-") as scratch:
        paths = []
        for name, content in zip(LABELS, (yours, before, after), strict=True):
            path = Path(scratch) / name
            path.write_bytes(content)
            paths.append(str(path))
        labels = [arg for label in LABELS for arg in ("-L", label)]
        done = subprocess.run(
            [git, "merge-file", "-p", *labels, *paths], capture_output=True, check=False
        )
    if done.returncode < 0 or done.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {done.stderr.decode(errors='replace')}")
    return done.stdout, done.returncode == 0
