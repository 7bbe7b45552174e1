"""Measure flaskforge and the service it generates, each figure against a baseline and a budget.

    python -m benchmarks              # full run; results in benchmarks/results/
    python -m benchmarks --quick      # a few rounds and short load runs
    python -m benchmarks --markdown   # the saved results as the tables of docs/benchmarks.md

The exit status is 1 when a budget is missed. docs/benchmarks.md says what is measured, how,
and what it needs (Linux, wrk, uv, a PostgreSQL database and a Redis it may empty).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import flaskforge

from . import cold_start, dependencies, gc_freeze, generator, images, service, suites
from .commands import make_compiled_venv
from .projects import (
    Deployed,
    Generated,
    Selection,
    deploy_hello_world,
    deploy_service,
    generate,
    gunicorn_settings,
    install_for_tests,
    reset_database,
    selections,
)
from .report import Row, markdown, print_rows, save_section
from .serving import WRK_CONNECTIONS, WRK_THREADS

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("generator", "dependencies", "cold_start", "load", "gc_freeze", "tests", "image")


@dataclass(frozen=True)
class Rounds:
    """How many rounds each section runs, and how long each wrk run lasts."""

    generator: int
    cold_start: int
    service: int
    gc_freeze: int
    tests: int
    wrk_seconds: float


FULL = Rounds(generator=15, cold_start=15, service=7, gc_freeze=7, tests=5, wrk_seconds=5)
QUICK = Rounds(generator=3, cold_start=3, service=2, gc_freeze=1, tests=1, wrk_seconds=2)


@dataclass
class Results:
    """The sections measured so far, each saved as soon as it is measured."""

    out_dir: Path
    run: dict[str, object]
    sections: dict[str, list[Row]] = field(default_factory=dict)

    def record(self, name: str, rows: list[Row], note: str = "") -> None:
        self.sections[name] = rows
        print_rows(rows)
        save_section(self.out_dir, name, rows, self.run, note)

    def missed(self) -> list[str]:
        return [
            row.case
            for rows in self.sections.values()
            for row in rows
            if row.within_budget is False
        ]


@dataclass(frozen=True)
class Installed:
    """The generated projects, each deployed, and hello-world Flask beside them."""

    generated: dict[str, Generated]
    deployed: dict[str, Deployed]
    hello: Deployed


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="a few rounds, short wrk runs")
    parser.add_argument("--images", action="store_true", help="build images even with --quick")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        default=[],
        help="measure only this section (load includes memory); repeatable",
    )
    parser.add_argument(
        "--load-rounds",
        type=int,
        metavar="N",
        help="rounds of the load section (default 7; more on a noisy machine)",
    )
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="EXTENSION",
        help="leave an extension out of 'everything' (one still being written); repeatable",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        help="where results go (default: benchmarks/results, or benchmarks/results/quick)",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the saved results (and those in <out-dir>/before) as Markdown; measure nothing",
    )
    args = parser.parse_args(argv)
    if args.load_rounds is not None and args.load_rounds < 1:
        parser.error("--load-rounds must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir: Path = args.out_dir or (RESULTS / "quick" if args.quick else RESULTS)
    if args.markdown:
        # Beside <out-dir>/before, or beside a sibling: results/after beside results/before.
        found = [d for d in (out_dir / "before", out_dir.parent / "before") if d.is_dir()]
        before = found[0] if found and found[0] != out_dir else None
        print(markdown(out_dir, before))
        return 0
    wanted = set(args.only or SECTIONS)
    if args.quick and not args.images and not args.only:
        wanted.discard("image")
    urls = service_urls()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is required: apt-get install wrk")
    rounds = QUICK if args.quick else FULL
    if args.load_rounds is not None:
        rounds = replace(rounds, service=args.load_rounds)
    chosen = selections(frozenset(args.without))
    print(f"everything = {chosen['everything'].extensions} + {chosen['everything'].targets}")
    run = {**describe_machine(), "flaskforge": describe_flaskforge(), "quick": args.quick}
    run |= {"rounds": vars(rounds), "wrk_threads": WRK_THREADS, "wrk_connections": WRK_CONNECTIONS}
    results = Results(out_dir, run)
    started = time.monotonic()
    if "generator" in wanted:
        print("== generator", flush=True)
        results.record("generator", generator.measure(rounds.generator, chosen["everything"]))
    if wanted - {"generator"}:
        with tempfile.TemporaryDirectory(prefix="ffbench-") as tmp:
            scratch = Path(tmp)
            print("== installing hello-world Flask and the bare, defaults and everything services")
            installed = install(scratch, chosen, urls, results)
            measure_services(installed, wanted, rounds, scratch, results)
            if "tests" in wanted:
                measure_suites(installed, rounds, scratch, results)
            if "image" in wanted:
                measure_images(installed, results)
    run["seconds"] = round(time.monotonic() - started)
    (out_dir / "run.json").write_text(json.dumps(run, indent=2) + "\n")
    missed = results.missed()
    print(f"\n{len(missed)} budget(s) missed{': ' + '; '.join(missed) if missed else ''}")
    print(f"({run['seconds']} s)")
    return 1 if missed else 0


def install(
    scratch: Path, chosen: dict[str, Selection], urls: dict[str, str], results: Results
) -> Installed:
    """Generate and deploy each selection, and hello-world Flask under the same settings."""
    generated = {name: generate(scratch, selection) for name, selection in chosen.items()}
    deployed = {
        name: deploy_service(project, scratch / f"venv-{name}", urls, name=name)
        for name, project in generated.items()
    }
    settings = gunicorn_settings(deployed["everything"])
    hello = deploy_hello_world(scratch / "hello", generated["everything"], settings)
    results.run["gunicorn_settings"] = settings
    results.run["runtime_imports"] = {app.name: app.runtime_imports for app in deployed.values()}
    empty = make_compiled_venv(scratch / "venv-empty")
    results.record("dependencies", dependencies.rows(empty, hello, list(deployed.values())))
    for app in deployed.values():
        reset_database(app)
    return Installed(generated, deployed, hello)


def measure_services(
    installed: Installed, wanted: set[str], rounds: Rounds, scratch: Path, results: Results
) -> None:
    """Cold start, load and memory of the defaults and everything services; gc.freeze()."""
    hello, everything = installed.hello, installed.deployed["everything"]
    measured = [installed.deployed["defaults"], everything]
    if "cold_start" in wanted:
        print("== cold start", flush=True)
        rows = cold_start.measure(hello, measured, rounds.cold_start, scratch)
        results.record("cold_start", rows)
    if "load" in wanted:
        print("== load and memory", flush=True)
        apps = [hello, *measured]
        figures = service.run_rounds(apps, rounds.service, rounds.wrk_seconds, scratch)
        results.record("load", service.load_rows("load", hello.name, figures))
        memory = service.memory_rows("memory", hello.name, figures)
        memory += service.imports_memory_rows("memory", apps, rounds=3)
        results.record("memory", memory)
    if "gc_freeze" in wanted:
        print("== gc.freeze() before fork, with and without", flush=True)
        rows = gc_freeze.measure(everything, rounds.gc_freeze, rounds.wrk_seconds, scratch)
        results.record("gc_freeze", rows)


def measure_suites(installed: Installed, rounds: Rounds, scratch: Path, results: Results) -> None:
    """The generated test suites of the defaults and everything selections."""
    print("== generated test suites", flush=True)
    tested = []
    for name in ("defaults", "everything"):
        suite = suites.Suite(name, installed.generated[name].root, scratch / f"venv-dev-{name}")
        install_for_tests(installed.generated[name], suite.venv)
        tested.append(suite)
    results.record("tests", suites.measure(tested, rounds.tests))


def measure_images(installed: Installed, results: Results) -> None:
    """The container images of the bare and everything selections."""
    print("== container images", flush=True)
    projects = {name: installed.generated[name].root for name in ("bare", "everything")}
    try:
        results.record("image", images.measure(projects))
    except images.NotMeasured as reason:
        results.record("image", [], note=str(reason))


def service_urls() -> dict[str, str]:
    """The PostgreSQL database and Redis the services use (the database is emptied)."""
    urls = {}
    for name in ("DATABASE_URL", "REDIS_URL"):
        value = os.environ.get(f"FLASKFORGE_BENCH_{name}") or os.environ.get(
            f"FLASKFORGE_TEST_{name}"
        )
        if not value:
            raise SystemExit(
                f"set FLASKFORGE_BENCH_{name} (or FLASKFORGE_TEST_{name}) to a throwaway "
                "PostgreSQL database / Redis: the service refuses to start in production without it"
            )
        urls[name] = value
    return urls


def describe_machine() -> dict[str, object]:
    """What the figures were measured on."""
    meminfo = Path("/proc/meminfo").read_text().split()
    memory_kib = int(meminfo[meminfo.index("MemTotal:") + 1])
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": (wrk.stdout or wrk.stderr).split("\n")[0].strip(),
    }


def describe_flaskforge() -> dict[str, object]:
    """The flaskforge measured: its version and, from a git checkout, its commit."""
    source = Path(flaskforge.__file__).resolve().parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(source), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {
        "version": flaskforge.__version__,
        "commit": git("rev-parse", "HEAD") or None,
        "uncommitted_changes": bool(git("status", "--porcelain", "--", "src", "templates")),
    }


if __name__ == "__main__":
    sys.exit(main())
