"""The clean render of a project: what ``flaskforge new`` makes for a record's answers and version.

The one fork of the lifecycle: the installed flaskforge renders its own version in memory;
any other version is installed into a temporary virtual environment (from the package index, or
a local folder of wheels) and renders there, through its own ``flaskforge new``, the one
interface every version has.
"""

from __future__ import annotations

import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from flaskforge._versions import installed

if TYPE_CHECKING:
    from flaskforge._catalogue import Catalogue
    from flaskforge._record import ProjectRecord
    from flaskforge._render import RenderedFile

#: The distribution flaskforge is published as.
DISTRIBUTION = "flaskforge-generator"
#: Seconds allowed for creating the environment and for installing into it.
_INSTALL_TIMEOUT = 600


class VersionUnavailable(Exception):
    """The recorded flaskforge version could not be installed or could not render."""


def render_installed(catalogue: Catalogue, record: ProjectRecord) -> dict[str, RenderedFile]:
    """The clean render of ``record`` by this flaskforge (its templates, the record as is)."""
    from flaskforge._project import render_project

    return render_project(catalogue, record)


def render_with_version(
    record: ProjectRecord, *, find_links: Path | None = None
) -> dict[str, RenderedFile]:
    """The clean render of ``record`` by the flaskforge version it names, installed for it.

    Args:
        record: the project's answers and version.
        find_links: a folder of wheels to install from, besides the package index (pip's
            ``--find-links``; pip's own settings such as ``PIP_INDEX_URL`` apply too).

    Raises:
        VersionUnavailable: that version could not be installed, or failed to render, or the
            record has resources (which ``flaskforge new`` cannot render).
    """
    from flaskforge._render import RenderedFile

    version = record.flaskforge_version
    if version == installed():
        raise VersionUnavailable("it is the installed version")
    if record.resources:
        # `flaskforge new` is the one interface every version has, and it takes no resources:
        # the baseline is approximated with this flaskforge's templates instead.
        raise VersionUnavailable("'flaskforge new' cannot render the project's resources")
    with tempfile.TemporaryDirectory(prefix="flaskforge-version-") as scratch:
        venv = Path(scratch) / "venv"
        _run([sys.executable, "-m", "venv", str(venv)], "create a virtual environment")
        python = venv / "bin" / "python"
        links = ["--find-links", str(find_links)] if find_links else []
        _run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *links,
                f"{DISTRIBUTION}=={version}",
            ],
            f"install {DISTRIBUTION}=={version}",
        )
        out = Path(scratch) / "out"
        _run(
            [
                str(venv / "bin" / "flaskforge"),
                "new",
                record.project_name,
                "--output-dir",
                str(out),
                "--no-git",
                "--defaults",
                "--description",
                record.description,
                "--extension",
                ",".join(record.extensions) or "none",
                "--target",
                ",".join(record.targets) or "none",
            ],
            f"render with flaskforge {version}",
        )
        root = out / record.project_name
        return {
            path.relative_to(root).as_posix(): RenderedFile(
                path.read_bytes(), executable=bool(path.stat().st_mode & stat.S_IXUSR)
            )
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=_INSTALL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise VersionUnavailable(f"could not {what}: {error}") from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise VersionUnavailable(f"could not {what}: {reason}")
