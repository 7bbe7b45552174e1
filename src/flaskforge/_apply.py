"""Apply a set of file writes to an existing project as one step.

Every new content is first written to a journal folder inside the project (same file system, so
renames are atomic), together with a copy of every file it replaces. Then the files are swapped
in. If anything fails or is interrupted during the swap, every file already swapped is put back
and every folder created is removed, so the project is exactly as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from flaskforge.errors import WriteFailed


def apply_writes(project: Path, writes: Mapping[str, bytes], modes: Mapping[str, int]) -> None:
    """Write ``writes`` (relative path -> content) into ``project``, all or nothing.

    Args:
        project: the project folder.
        writes: the files to create or replace.
        modes: permission bits for files that must be executable (relative path -> mode).

    Raises:
        WriteFailed: a write failed; the project is unchanged.
    """
    if not writes:
        return
    journal = Path(tempfile.mkdtemp(prefix=".flaskforge-journal-", dir=project))
    swapped: list[tuple[Path, Path | None]] = []  # (target, its backup or None if it was new)
    created_dirs: list[Path] = []
    try:
        staged: dict[str, Path] = {}
        for index, (relative, content) in enumerate(sorted(writes.items())):
            new = journal / f"new-{index}"
            new.write_bytes(content)
            target = project / relative
            if relative in modes:
                new.chmod(modes[relative])
            elif target.exists():
                shutil.copymode(target, new)
            staged[relative] = new
        for index, (relative, new) in enumerate(staged.items()):
            target = project / relative
            backup: Path | None = None
            if target.exists():
                backup = journal / f"old-{index}"
                shutil.copy2(target, backup)
            for parent in reversed(target.relative_to(project).parents[:-1]):
                folder = project / parent
                if not folder.exists():
                    folder.mkdir()
                    created_dirs.append(folder)
            swapped.append((target, backup))
            new.replace(target)
    except BaseException as error:
        _roll_back(swapped, created_dirs)
        shutil.rmtree(journal, ignore_errors=True)
        if isinstance(error, OSError):
            raise WriteFailed(str(project), error.strerror or str(error)) from error
        raise
    shutil.rmtree(journal, ignore_errors=True)


def _roll_back(swapped: list[tuple[Path, Path | None]], created_dirs: list[Path]) -> None:
    for target, backup in reversed(swapped):
        if backup is not None:
            backup.replace(target)
        else:
            target.unlink(missing_ok=True)
    for folder in reversed(created_dirs):
        shutil.rmtree(folder, ignore_errors=True)
