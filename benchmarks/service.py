"""The running service: ``/livez`` throughput, latency and CPU per request, and worker memory.

Each round starts every app afresh (hello-world Flask and the services, in an order that turns
from round to round), requests every endpoint of each 20 times, loads ``/livez`` of each in
turn with wrk, then reads the memory of each worker. Memory is read after that load, so that
it is a worker's in service, not one that has only booted. Beside it, the memory of a fresh
interpreter that has imported the app's runtime dependencies and nothing else: the floor of
the worker's RSS, as that import is the floor of its cold start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from .cold_start import importing
from .procfs import Memory, memory
from .projects import Deployed
from .report import Budget, Row, ratio_limit
from .serving import LoadRun, Server, load, serve, warm_up

# The service with every extension, to hello-world Flask under the same gunicorn settings.
BUDGET_THROUGHPUT = ratio_limit(0.85, at_least=True)
BUDGET_CPU_PER_REQUEST = ratio_limit(1.25)
# One worker of the service with every extension, under its own gunicorn settings.
BUDGET_WORKER_USS_MIB = Budget(30.0)
BUDGET_WORKER_RSS_MIB = Budget(80.0)

#: Budgets apply to the service of this name.
BUDGETED = "everything"


@dataclass
class Figures:
    """What the rounds measured of one app."""

    load: list[LoadRun] = field(default_factory=list)
    memory: list[Memory] = field(default_factory=list)


def run_rounds(
    apps: Sequence[Deployed],
    rounds: int,
    seconds: float,
    scratch: Path,
    then: Callable[[Server, int], None] = lambda server, worker: None,
) -> dict[str, Figures]:
    """Serve, warm up, load ``/livez`` and read worker memory of each app, ``rounds`` times.

    ``then(server, worker)`` runs last in each round, for each server, before it stops.
    """
    figures = {app.name: Figures() for app in apps}
    for number in range(rounds):
        # Each round starts with another app, so that none is always measured first.
        turn = number % len(apps)
        with ExitStack() as stack:
            servers = [
                stack.enter_context(serve(app, scratch)) for app in [*apps[turn:], *apps[:turn]]
            ]
            for server in servers:
                warm_up(server)
            for server in servers:
                figures[server.app.name].load.append(load(server, "/livez", seconds, scratch))
            for server in servers:
                (worker,) = server.workers()
                figures[server.app.name].memory.append(memory(worker))
                then(server, worker)
    return figures


def imports_memory(app: Deployed) -> Memory:
    """Memory of a fresh interpreter that has imported ``app``'s runtime dependencies."""
    with importing(app) as process:
        return memory(process.pid)


def load_rows(
    section: str, baseline: str, figures: dict[str, Figures], budgeted: str | None = BUDGETED
) -> list[Row]:
    """Throughput, p99 latency and CPU per request on ``/livez``, each to ``baseline``'s."""
    rows = []
    for metric, label, unit, budget in (
        ("requests_per_s", "/livez throughput", "req/s", BUDGET_THROUGHPUT),
        ("cpu_us_per_request", "CPU per /livez request", "us/req", BUDGET_CPU_PER_REQUEST),
        ("p99_ms", "/livez p99 latency", "ms", None),
    ):
        base = [getattr(run, metric) for run in figures[baseline].load]
        for name, measured in figures.items():
            samples = [getattr(run, metric) for run in measured.load]
            rows.append(
                Row(
                    section,
                    f"{name}: {label}",
                    samples,
                    unit,
                    baseline=None if name == baseline else baseline,
                    baseline_samples=() if name == baseline else base,
                    paired=True,
                    budget=budget if name == budgeted else None,
                )
            )
    return rows


def memory_rows(
    section: str, baseline: str, figures: dict[str, Figures], budgeted: str | None = BUDGETED
) -> list[Row]:
    """Each app's worker USS, RSS and PSS, each to ``baseline``'s."""
    rows = []
    for metric, budget in (
        ("uss", BUDGET_WORKER_USS_MIB),
        ("rss", BUDGET_WORKER_RSS_MIB),
        ("pss", None),
    ):
        base = [getattr(taken, metric) for taken in figures[baseline].memory]
        for name, measured in figures.items():
            rows.append(
                Row(
                    section,
                    f"{name}: worker {metric.upper()}",
                    [getattr(taken, metric) for taken in measured.memory],
                    "MiB",
                    baseline=None if name == baseline else baseline,
                    baseline_samples=() if name == baseline else base,
                    budget=budget if name == budgeted else None,
                )
            )
    return rows


def imports_memory_rows(section: str, apps: Sequence[Deployed], rounds: int) -> list[Row]:
    """The RSS of a fresh interpreter that imported each app's runtime dependencies.

    The floor of a worker's RSS: a worker maps everything its app imported. Memory does not
    move with the machine's load, so a few rounds are enough.
    """
    return [
        Row(
            section,
            f"{app.name}: RSS of importing its runtime dependencies",
            [imports_memory(app).rss for _ in range(rounds)],
            "MiB",
        )
        for app in apps
    ]
