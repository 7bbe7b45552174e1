"""The generated test suites, run as a developer runs them: ``pytest``, no backing service.

Each suite runs in an environment installed the way the generated README says
(``pip install -e '.[dev]'``), with this environment minus every setting the service reads (so
no DATABASE_URL or REDIS_URL: no backing service) and with bytecode written, as a developer's
Python does by default. A first run, not counted, writes that bytecode.
"""

from __future__ import annotations

import re
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .projects import clean_env
from .report import Budget, Row

SECTION = "tests"
#: The suite of the default selection (what ``flaskforge new --defaults`` generates).
BUDGET = Budget(5.0)
BUDGETED = "defaults"


@dataclass(frozen=True)
class Suite:
    """A generated project's own tests, in an environment with its dev tools."""

    name: str
    root: Path
    venv: Path


@dataclass(frozen=True)
class SuiteRun:
    """One run of a suite: wall and CPU time, and what pytest said."""

    seconds: float
    cpu_seconds: float
    summary: str
    passed: bool


def run_suite(suite: Suite) -> SuiteRun:
    """The whole ``pytest`` command, timed from start to exit."""
    env = clean_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu_before = _children_cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(
        [str(suite.venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider"],
        cwd=suite.root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    cpu_seconds = _children_cpu_seconds() - cpu_before
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        print(done.stdout[-3000:], flush=True)
    return SuiteRun(seconds, cpu_seconds, summary, done.returncode == 0)


def _children_cpu_seconds() -> float:
    # Less sensitive than wall time to the other work of a shared machine: shown beside it.
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure(suites: list[Suite], rounds: int) -> list[Row]:
    """Wall time of each suite, the median of ``rounds`` runs after an uncounted one."""
    for suite in suites:
        run_suite(suite)
    runs: dict[str, list[SuiteRun]] = {suite.name: [] for suite in suites}
    for number in range(rounds):
        turn = number % len(suites)
        for suite in [*suites[turn:], *suites[:turn]]:
            runs[suite.name].append(run_suite(suite))
    rows = []
    for suite in suites:
        done = runs[suite.name]
        failed = next((run.summary for run in done if not run.passed), None)
        counted = re.search(r"(\d+) passed", done[-1].summary)
        tests = counted.group(1) if counted else "?"
        rows.append(
            Row(
                SECTION,
                f"{suite.name}: generated test suite ({tests} tests, wall)",
                [run.seconds for run in done],
                "s",
                budget=BUDGET if suite.name == BUDGETED else None,
                # A failing suite is a finding to report, not a reason to lose the other figures.
                failure=failed,
                extra={"pytest_summary": done[-1].summary},
            )
        )
        rows.append(
            Row(
                SECTION,
                f"{suite.name}: generated test suite ({tests} tests, CPU)",
                [run.cpu_seconds for run in done],
                "s",
            )
        )
    return rows
