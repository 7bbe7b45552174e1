"""Cold start: from starting gunicorn to its first ``/livez`` answer.

Deferring work past ``create_app`` saves nothing here: gunicorn loads the app, forks its worker
and the worker answers, all inside the time measured. The floor it is compared with is what no
code of the service can avoid: a fresh interpreter importing the service's own runtime
dependencies (the top-level modules of the distributions its ``pyproject.toml`` lists), and
nothing else. Both are whole processes timed from their start, in rounds that interleave them
with hello-world Flask under the same gunicorn settings.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from .projects import Deployed
from .report import Row, ratio_limit
from .serving import serve

SECTION = "cold start"
#: The service with every extension, to the import of its runtime dependencies.
BUDGET = ratio_limit(1.2)
BUDGETED = "everything"


@contextmanager
def importing(app: Deployed) -> Iterator[subprocess.Popen[bytes]]:
    """A fresh interpreter, entered once it has imported ``app``'s runtime dependencies.

    It holds them until the block ends, so that its memory can be read meanwhile.
    """
    imports = ", ".join(app.runtime_imports)
    code = f"import sys, {imports}; print('imported', flush=True); sys.stdin.read()"
    with subprocess.Popen(
        [str(app.python), "-c", code],
        cwd=app.root,
        env=app.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        if process.stdout.readline().strip() != b"imported":
            raise SystemExit(f"{app.name}: importing {imports} failed")
        yield process
        process.stdin.close()
    if process.returncode != 0:
        raise SystemExit(f"{app.name}: the interpreter that imported {imports} failed")


def time_imports(app: Deployed) -> float:
    """Seconds from starting a fresh interpreter to its having imported ``app``'s dependencies."""
    started = time.perf_counter()
    # Timed to the line it prints, not to its exit: the service's figure does not count its exit.
    with importing(app):
        return time.perf_counter() - started


def time_first_answer(app: Deployed, logs: Path) -> float:
    """Seconds from starting gunicorn for ``app`` to its first ``/livez`` answer."""
    with serve(app, logs) as server:
        return server.first_answer_s


def measure(hello: Deployed, services: list[Deployed], rounds: int, logs: Path) -> list[Row]:
    """Cold start of hello-world Flask and each service, beside each one's import floor.

    The budget applies to the service named ``BUDGETED``, the one with every extension.
    """
    cases: dict[str, Callable[[], float]] = {}
    for app in (hello, *services):
        cases[_imports(app)] = partial(time_imports, app)
        cases[_first_answer(app)] = partial(time_first_answer, app, logs)
    samples: dict[str, list[float]] = {case: [] for case in cases}
    order = list(cases)
    for number in range(rounds):
        # Each round starts with another case, so that none is always measured first.
        turn = number % len(order)
        for case in order[turn:] + order[:turn]:
            samples[case].append(cases[case]() * 1000)

    alone = [_imports(hello), _first_answer(hello), *(_imports(app) for app in services)]
    rows = [Row(SECTION, case, samples[case], "ms") for case in alone]
    for app in services:
        answer = samples[_first_answer(app)]
        for baseline, against, budget in (
            (_imports(app), "its imports", BUDGET),
            (_first_answer(hello), hello.name, None),
        ):
            rows.append(
                Row(
                    SECTION,
                    f"{_first_answer(app)} (vs. {against})",
                    answer,
                    "ms",
                    baseline=against,
                    baseline_samples=samples[baseline],
                    paired=True,
                    budget=budget if app.name == BUDGETED else None,
                )
            )
    return rows


def _imports(app: Deployed) -> str:
    return f"{app.name}: import of its runtime dependencies"


def _first_answer(app: Deployed) -> str:
    return f"{app.name}: first /livez answer"
