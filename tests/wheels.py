"""Build real wheels of flaskforge (this checkout, or a changed copy of it) for lifecycle tests.

The distribution is not on the package index, so every test that needs "another flaskforge
version" builds it, exactly as a user's local wheel folder would hold it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.helpers import uv_command

#: The checkout under test.
REPOSITORY = Path(__file__).resolve().parent.parent
_built: dict[Path, Path] = {}


def build_wheel(out: Path, source: Path = REPOSITORY) -> Path:
    """A wheel of the flaskforge at ``source``, in folder ``out``; returns its path.

    Each source is built once per test session and copied where asked.
    """
    out.mkdir(parents=True, exist_ok=True)
    if source not in _built or not _built[source].exists():
        scratch = Path(tempfile.mkdtemp(prefix="flaskforge-wheel-"))
        done = subprocess.run(
            [*uv_command(), "build", "--quiet", "--wheel", "--out-dir", str(scratch), str(source)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, f"building a wheel of {source} failed:\n{done.stderr}"
        (wheel,) = scratch.glob("*.whl")
        _built[source] = wheel
    target = out / _built[source].name
    shutil.copy2(_built[source], target)
    return target


def copy_source(destination: Path) -> Path:
    """A copy of this checkout's sources (what a wheel is built from), to change and build."""
    for name in ("src", "templates"):
        shutil.copytree(
            REPOSITORY / name,
            destination / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPOSITORY / name, destination / name)
    return destination
