"""Put a rendered project on disk all at once, or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from flaskforge._render import RenderedFile
from flaskforge.errors import GitFailed, WriteFailed

if TYPE_CHECKING:
    from flaskforge._record import ProjectRecord


def write_files(root: Path, files: Mapping[str, RenderedFile]) -> None:
    """Write ``files`` below ``root`` (which exists), creating folders as needed."""
    for relative, file in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.content)
        if file.executable:
            path.chmod(path.stat().st_mode | 0o111)


def create_tree(
    destination: Path,
    files: Mapping[str, RenderedFile],
    *,
    commit_message: str | None,
    record: ProjectRecord | None = None,
) -> None:
    """Create ``destination`` holding ``files``, optionally as a git repository with one commit.

    With a commit, ``files`` are also stored as the project's baseline (see ``_baseline``), the
    common ancestor of every later lifecycle command; ``record`` describes them.

    Everything is first written to a hidden staging folder beside the destination, which is
    renamed into place only when complete. On any failure or interrupt the staging folder, and
    any parent folder created for it, is removed, so no partial project is ever left behind.

    Raises:
        WriteFailed: the disk refused a write or git failed; nothing is left behind.
    """
    created_parent = _first_missing(destination.parent)
    staging: Path | None = None
    done = False
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(
                prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
            )
        )
        # mkdtemp makes the folder private (0700); a project folder should have normal modes.
        staging.chmod(0o777 & ~_umask())
        write_files(staging, files)
        if commit_message is not None:
            _init_repository(staging, files, commit_message, record)
        # An empty destination folder is replaced atomically by rename on POSIX.
        staging.replace(destination)
        done = True
    except GitFailed as error:
        raise WriteFailed("the initial git commit", error.reason) from error
    except OSError as error:
        raise WriteFailed(str(destination), error.strerror or str(error)) from error
    finally:
        if not done:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            if created_parent is not None:
                shutil.rmtree(created_parent, ignore_errors=True)


def _init_repository(
    folder: Path,
    files: Mapping[str, RenderedFile],
    message: str,
    record: ProjectRecord | None,
) -> None:
    from flaskforge import _baseline, _git

    _git.init_and_commit(folder, message)
    if record is not None:
        repo = _git.Repo(project=folder, top=folder, prefix="")
        commit = _baseline.store(repo, dict(files), record, parent=None, same_as="HEAD")
        _git.update_ref(repo, _baseline.REF, commit)


def _first_missing(path: Path) -> Path | None:
    """The outermost ancestor of ``path`` (or itself) that does not exist yet."""
    missing = None
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
