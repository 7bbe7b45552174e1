"""The flaskforge command itself, each case a whole process as a user runs it.

``--help``, ``--version``, ``new`` with no extension and with everything, and ``add-extension``
of everything to a committed project with none, in rounds interleaved with ``python -c pass``
(the cost of any Python process here).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .commands import run
from .projects import Selection
from .report import Budget, Row

SECTION = "generator"
BASELINE = "python -c pass"
BUDGETS = {"--help": Budget(0.15), "--version": Budget(0.15), "new everything": Budget(1.0)}


def flaskforge() -> list[str]:
    """The ``flaskforge`` script next to this interpreter (or its module)."""
    script = Path(sys.executable).with_name("flaskforge")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flaskforge"]


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(rounds: int, everything: Selection) -> list[Row]:
    """Median seconds of each case over ``rounds`` rounds, and its ratio to ``python -c pass``."""
    ff = flaskforge()
    added = everything.extensions or []
    extensions = ",".join(added or ["none"])
    targets = ",".join(everything.targets or ["none"])
    with tempfile.TemporaryDirectory(prefix="ffbench-gen-") as tmp:
        scratch = Path(tmp)
        # add-extension works on a git project, as users have one: a committed bare project.
        run(*ff, "new", "svc", "--defaults", "-e", "none", "-t", "none", "-o", scratch / "bare")

        def new(selection: list[str]) -> Callable[[], float]:
            def case() -> float:
                out = scratch / "new"
                seconds = _timed([*ff, "new", "svc", "--defaults", *selection, "-o", str(out)])
                shutil.rmtree(out)
                return seconds

            return case

        def add_everything() -> float:
            copy = scratch / "add"
            shutil.copytree(scratch / "bare" / "svc", copy)
            seconds = _timed([*ff, "add-extension", *added, "-C", str(copy)])
            shutil.rmtree(copy)
            return seconds

        cases: dict[str, Callable[[], float]] = {
            BASELINE: lambda: _timed([sys.executable, "-c", "pass"]),
            "--help": lambda: _timed([*ff, "--help"]),
            "--version": lambda: _timed([*ff, "--version"]),
            "new bare": new(["-e", "none", "-t", "none"]),
            "new everything": new(["-e", extensions, "-t", targets]),
            "add-extension everything (to bare)": add_everything,
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):
            for name, case in cases.items():
                samples[name].append(case())
    return [
        Row(
            SECTION,
            name,
            values,
            "s",
            baseline=None if name == BASELINE else BASELINE,
            baseline_samples=() if name == BASELINE else samples[BASELINE],
            paired=True,
            budget=BUDGETS.get(name),
        )
        for name, values in samples.items()
    ]
