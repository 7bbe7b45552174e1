"""Put a rendered project on disk all at once, or not at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from flaskforge._render import RenderedFile
from flaskforge.errors import WriteFailed


def write_files(root: Path, files: Mapping[str, RenderedFile]) -> None:
    """Write ``files`` below ``root`` (which exists), creating folders as needed."""
    for relative, file in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.content)
        if file.executable:
            path.chmod(path.stat().st_mode | 0o111)


def create_tree(
    destination: Path, files: Mapping[str, RenderedFile], *, commit_message: str | None
) -> None:
    """Create ``destination`` holding ``files``, optionally as a git repository with one commit.

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
            from flaskforge._git import init_and_commit

            init_and_commit(staging, commit_message)
        # An empty destination folder is replaced atomically by rename on POSIX.
        staging.replace(destination)
        done = True
    except subprocess.CalledProcessError as error:
        raise WriteFailed("the initial git commit", _last_line(error.stderr)) from error
    except OSError as error:
        raise WriteFailed(str(destination), error.strerror or str(error)) from error
    finally:
        if not done:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            if created_parent is not None:
                shutil.rmtree(created_parent, ignore_errors=True)


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


def _last_line(text: str | None) -> str:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "git failed"
