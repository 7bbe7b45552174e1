"""Running commands, and making the virtual environments the measured projects live in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class CommandFailed(SystemExit):
    """A command the benchmark needs failed: the run stops with its output."""


def run(*command: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """Run ``command`` to its end and return its stdout; stop the benchmark if it fails."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CommandFailed(
            f"failed ({done.returncode}): {' '.join(str(part) for part in command)}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def uv() -> list[str]:
    """How to call uv: on PATH, next to this interpreter, or as its module."""
    found = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "uv"]


def make_venv(venv: Path, *requirements: str, cwd: Path | None = None) -> Path:
    """A fresh virtual environment for this interpreter with ``requirements``; its Python."""
    # This interpreter, so that uv never picks (or downloads) another Python.
    run(*uv(), "venv", "-q", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    if requirements:
        run(*uv(), "pip", "install", "-q", "--python", python, *requirements, cwd=cwd)
    return python


@dataclass(frozen=True)
class InstalledSize:
    """Bytes of the files in a virtual environment's site-packages.

    Attributes:
        plain: as uv installs them, without bytecode.
        compiled: with every module compiled, as pip (and so the generated Dockerfile) installs.
    """

    plain: int
    compiled: int


def make_compiled_venv(venv: Path, *requirements: str, cwd: Path | None = None) -> InstalledSize:
    """:func:`make_venv`, then compile every module: the environment as an image holds it."""
    make_venv(venv, *requirements, cwd=cwd)
    plain = _site_packages_bytes(venv)
    run(venv / "bin" / "python", "-m", "compileall", "-q", "-j", "0", *venv.glob("lib/python3*"))
    return InstalledSize(plain=plain, compiled=_site_packages_bytes(venv))


def _site_packages_bytes(venv: Path) -> int:
    (site,) = (venv / "lib").glob("python3*/site-packages")
    return sum(p.lstat().st_size for p in site.rglob("*") if p.is_file() or p.is_symlink())
