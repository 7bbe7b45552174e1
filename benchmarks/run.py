"""Benchmark flaskforge and the service it generates, each figure against a baseline and a budget.

    python benchmarks/run.py            # full run, about 10 minutes; results in benchmarks/results/
    python benchmarks/run.py --quick    # a few rounds and short load runs, for CI

Run it with the Python of an environment where flaskforge is installed (it calls the
``flaskforge`` script next to that interpreter). Linux only: memory and CPU time are read from
``/proc``. It needs ``wrk`` on PATH, ``uv`` (on PATH or as a module), and a PostgreSQL and a
Redis it may write to, named by ``FLASKFORGE_BENCH_DATABASE_URL`` / ``FLASKFORGE_BENCH_REDIS_URL``
(falling back to ``FLASKFORGE_TEST_DATABASE_URL`` / ``FLASKFORGE_TEST_REDIS_URL``): the generated
service refuses to start in production without them. The database given is emptied. Container
image sizes are measured when podman or docker can build the generated Dockerfile (skipped by
``--quick`` unless ``--images`` is given).

Every case is measured in rounds that interleave it with its baseline, so noise from a shared
machine hits both alike; each figure is the median over the rounds. The exit status is 1 when
a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generator

from flaskforge import create_project, load_catalogue

RESULTS = Path(__file__).resolve().parent / "results"
BASELINE = "bare Flask"

# Budgets from the issues. A ratio budget compares with the bare Flask app of the same run.
BUDGET_COLD_START_RATIO = 1.5
BUDGET_WORKER_MIB = 45.0
BUDGET_LIVEZ_THROUGHPUT_RATIO = 0.9
BUDGET_CPU_PER_REQUEST_RATIO = 1.15
BUDGET_TEST_SUITE_S = 3.0
BUDGET_DEPS_MB = {"bare": 15.0, "everything": 60.0}
BUDGET_IMAGE_MB = {"bare": 40.0, "everything": 90.0}

# wrk: one thread (the machine has two cores: one for wrk, one for the worker), 16 keep-alive
# connections, which keeps the worker's 4 threads busy without queueing for seconds.
WRK_THREADS = 1
WRK_CONNECTIONS = 16
# Rate limits high enough that wrk never meets them, so the limiter's cost (a Redis counter per
# request) is measured and no answer is a 429.
UNREACHABLE_RATE_LIMIT = "100000000 per minute"

_REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    "JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"socket_errors\\": %d,"
    .. " \\"non_2xx_3xx\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d}\\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
"""

# The baseline: the smallest Flask app that answers the same two URLs with the same JSON.
_HELLO_APP = '''
"""Bare Flask hello-world: the baseline every service figure is compared with."""

from flask import Flask

ITEMS = [{"id": i, "name": f"item {i}", "description": "seeded"} for i in (1, 2, 3)]


def create_app():
    app = Flask(__name__)

    @app.get("/livez")
    def livez():
        return {"status": "alive"}

    @app.get("/api/v1/items")
    def items():
        return {"items": ITEMS}

    return app
'''
_HELLO_WSGI = "from hello_app import create_app\n\napp = create_app()\n"
# The generated gunicorn_conf's server settings, without its JSON logger: same worker class,
# threads, keep-alive, timeouts and access log sink.
_HELLO_GUNICORN = """
import os
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
control_socket_disable = True
worker_tmp_dir = "/dev/shm"
"""

_COLD_START = (
    "import time; t = time.perf_counter(); from {module} import create_app; app = create_app();"
    " print(time.perf_counter() - t); t = time.perf_counter(); ctx = app.app_context();"
    " ctx.push(); ctx.pop(); print(time.perf_counter() - t)"
)


# Reporting ---------------------------------------------------------------------------------------


@dataclass
class Row:
    """One figure: its median, its baseline's median and its budget."""

    section: str
    case: str
    median: float
    unit: str
    baseline: float | None = None
    budget: float | None = None
    #: "max" (figure <= budget), "min" (figure >= budget); "ratio_" prefix: the ratio is checked.
    budget_kind: str = "max"
    runs: int = 1
    extra: dict[str, object] = field(default_factory=dict)
    #: The median of per-round ratios, when the figure and its baseline were measured in pairs.
    paired_ratio: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.paired_ratio is not None:
            return self.paired_ratio
        return self.ratio_of_medians

    @property
    def ratio_of_medians(self) -> float | None:
        if not self.baseline:
            return None
        return self.median / self.baseline

    @property
    def within_budget(self) -> bool | None:
        if self.budget_kind == "failed":
            return False
        if self.budget is None:
            return None
        value = self.ratio if self.budget_kind.startswith("ratio_") else self.median
        if value is None:
            return None
        if self.budget_kind.endswith("min"):
            return value >= self.budget
        return value <= self.budget

    def budget_text(self) -> str:
        if self.budget is None:
            return ""
        sign = ">=" if self.budget_kind.endswith("min") else "<="
        if self.budget_kind.startswith("ratio_"):
            return f"{sign} {self.budget:g}x"
        return f"{sign} {self.budget:g} {self.unit}"

    def as_dict(self) -> dict[str, object]:
        return {
            "section": self.section,
            "case": self.case,
            "median": round(self.median, 4),
            "unit": self.unit,
            "baseline_median": None if self.baseline is None else round(self.baseline, 4),
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            **(
                {"ratio_of_medians": round(self.ratio_of_medians, 3)}
                if self.paired_ratio is not None and self.ratio_of_medians is not None
                else {}
            ),
            "budget": self.budget_text() or None,
            "within_budget": self.within_budget,
            "runs": self.runs,
            **self.extra,
        }


def print_rows(rows: list[Row]) -> None:
    width = max([44, *(len(row.case) for row in rows)])
    print(f"\n{'case':{width}} {'median':>14} {'ratio':>8} {'budget':>14}")
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
        mark = {None: "", True: "  ok", False: "  MISSED"}[row.within_budget]
        value = f"{row.median:.4g} {row.unit}"
        print(f"{row.case:{width}} {value:>14} {ratio:>8} {row.budget_text():>14}{mark}")
    sys.stdout.flush()


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    memory_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": (wrk.stdout or wrk.stderr).split("\n")[0].strip(),
    }


# Processes and /proc -----------------------------------------------------------------------------

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str]:
    # Fields after the command name, which may itself hold spaces and parentheses.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` (all its threads), in seconds."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def memory_mib(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private pages) of ``pid``, in MiB, from smaps_rollup."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            values[parts[0].rstrip(":")] = int(parts[1])
    private = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return {
        "rss": values["Rss"] / 1024,
        "pss": values["Pss"] / 1024,
        "uss": private / 1024,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http(
    url: str,
    method: str = "GET",
    body: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def uv() -> list[str]:
    found = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "uv"]


def run(command: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done: subprocess.CompletedProcess[str] = subprocess.run(  # type: ignore[call-overload]
        [str(c) for c in command], capture_output=True, text=True, check=False, **kwargs
    )
    if done.returncode != 0:
        raise SystemExit(
            f"failed ({done.returncode}): {' '.join(str(c) for c in command)}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


# The generator -----------------------------------------------------------------------------------


def bench_generator(rounds: int, everything: list[str]) -> list[Row]:
    """``--help``, ``--version``, ``new`` bare and everything, and ``add-extension``."""
    ff = generator._flaskforge()
    cases = generator.cases()
    name_add = "add-extension everything (to bare)"
    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="ffbench-gen-") as tmp:
        scratch = Path(tmp)
        # add-extension works on a git project, as users have one: a committed bare project.
        pristine = scratch / "pristine"
        run([*ff, "new", "svc", "--defaults", "-e", "none", "-t", "none", "-o", pristine])
        for number in range(rounds):
            for name, command in cases.items():
                out = scratch / f"{name.replace(' ', '-')}-{number}"
                if command[-1] == "-o":
                    command = [*command, str(out)]
                start = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
                timings.setdefault(name, []).append(time.perf_counter() - start)
                shutil.rmtree(out, ignore_errors=True)
            copy = scratch / f"add-{number}"
            shutil.copytree(pristine / "svc", copy)
            start = time.perf_counter()
            subprocess.run(
                [*ff, "add-extension", *everything, "-C", str(copy)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            timings.setdefault(name_add, []).append(time.perf_counter() - start)
            shutil.rmtree(copy)
    rows = []
    for summary in generator.summarise(timings):
        kind = str(summary["case"])
        rows.append(
            Row(
                "generator",
                kind,
                float(summary["median_s"]),  # type: ignore[arg-type]
                "s",
                baseline=statistics.median(timings["python -c pass (baseline)"]),
                budget=generator.BUDGETS.get(kind),
                runs=int(summary["runs"]),  # type: ignore[call-overload]
            )
        )
    return rows


# The generated service ---------------------------------------------------------------------------


@dataclass
class Subject:
    """One app under test: the baseline or a generated service, with its own environment."""

    name: str
    selection: str  # "baseline", "bare" or "everything"
    root: Path
    venv: Path
    module: str
    wsgi: str
    gunicorn_config: str
    env: dict[str, str]
    warm_up: Callable[[str], None]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def selection_names(without: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """Every extension and target but ``without``, and any that conflict with one taken."""
    catalogue = load_catalogue()
    chosen: dict[str, list[str]] = {"extensions": [], "targets": []}
    for kind, components in (
        ("extensions", catalogue.extensions),
        ("targets", catalogue.targets),
    ):
        for component in components:
            if component.name in without:
                continue
            if not set(component.conflicts) & set(chosen[kind]):
                chosen[kind].append(component.name)
    return chosen["extensions"], chosen["targets"]


def base_env() -> dict[str, str]:
    """This environment without anything a generated service reads."""
    catalogue = load_catalogue()
    names = {
        s.name
        for component in (catalogue.base, *catalogue.extensions, *catalogue.targets)
        for s in component.settings
    }
    for service in getattr(catalogue, "services", ()):
        names.update(s.name for s in service.settings)
    names |= {"DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH", "FLASK_APP"}
    return {k: v for k, v in os.environ.items() if k not in names}


def production_env(secret_names: list[str], urls: dict[str, str]) -> dict[str, str]:
    """Production settings: every secret set (real URLs for the backing services)."""
    env = base_env()
    env.update(
        APP_ENV="production",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
        LOG_LEVEL="WARNING",
        RATELIMIT_DEFAULT=UNREACHABLE_RATE_LIMIT,
    )
    for name in secret_names:
        env[name] = urls.get(name) or secrets.token_urlsafe(48)
    return env


def service_warm_up(env: dict[str, str]) -> Callable[[str], None]:
    token = env.get("METRICS_TOKEN", "")

    def warm_up(url: str) -> None:
        for path in ("/livez", "/readyz", "/api/v1/items", "/api/v1/items/999999", "/nope"):
            http(url + path)
        status, body = http(url + "/api/v1/items", "POST", {"name": "warm-up"})
        assert status == 201, (status, body)
        item = json.loads(body)["id"]
        http(f"{url}/api/v1/items/{item}")
        http(f"{url}/api/v1/items/{item}", "PATCH", {"description": "x"})
        http(f"{url}/api/v1/items/{item}", "PUT", {"name": "warm-up"})
        http(f"{url}/api/v1/items/{item}", "DELETE")
        http(url + "/metrics", headers={"Authorization": f"Bearer {token}"})

    return warm_up


def hello_warm_up(url: str) -> None:
    for path in ("/livez", "/api/v1/items", "/nope"):
        http(url + path)


def make_venv(path: Path, *requirements: str, cwd: Path | None = None) -> None:
    run([*uv(), "venv", "-q", "--python", sys.executable, path])
    if requirements:
        run(
            [*uv(), "pip", "install", "-q", "--python", path / "bin" / "python", *requirements],
            cwd=cwd,
        )


def site_packages_bytes(venv: Path) -> int:
    (site,) = (venv / "lib").glob("python3*/site-packages")
    return sum(p.lstat().st_size for p in site.rglob("*") if p.is_file() or p.is_symlink())


def prepare(
    scratch: Path, urls: dict[str, str], extensions: list[str], targets: list[str]
) -> tuple[list[Subject], list[Row], dict[str, Path]]:
    """Generate both selections, install them runtime-only, measure dependency sizes."""
    catalogue = load_catalogue()
    subjects: list[Subject] = []
    projects: dict[str, Path] = {}
    secret_names: dict[str, list[str]] = {}
    for selection, chosen in (("bare", ["none"]), ("everything", extensions)):
        out = scratch / selection
        created = create_project(
            "demo", output_dir=out, extensions=chosen, targets=targets or ["none"], git=False
        )
        projects[selection] = out / "demo"
        secret_names[selection] = sorted(
            s.name
            for c in created.plan.selection.components(catalogue)
            for s in c.settings
            if s.secret
        )
    hello = scratch / "hello"
    hello.mkdir()
    (hello / "hello_app.py").write_text(textwrap.dedent(_HELLO_APP).lstrip())
    (hello / "hello_wsgi.py").write_text(_HELLO_WSGI)
    (hello / "hello_gunicorn.py").write_text(textwrap.dedent(_HELLO_GUNICORN).lstrip())
    base_pins = [d for d in catalogue.base.dependencies if re.match(r"(?i)(flask|gunicorn)==", d)]

    print("installing: an empty venv, bare Flask, the bare and the everything service", flush=True)
    make_venv(scratch / "venv-empty")
    make_venv(scratch / "venv-hello", *base_pins)
    for selection, project in projects.items():
        make_venv(scratch / f"venv-{selection}", ".", cwd=project)

    sizes: dict[str, dict[str, float]] = {}
    empty = {"plain": site_packages_bytes(scratch / "venv-empty")}
    for name in ("hello", "bare", "everything"):
        sizes[name] = {"plain": site_packages_bytes(scratch / f"venv-{name}")}
    # The Dockerfile installs with pip, which compiles bytecode: measure that too.
    for name in ("empty", "hello", "bare", "everything"):
        venv = scratch / f"venv-{name}"
        run([venv / "bin" / "python", "-m", "compileall", "-q", "-j", "0", *venv.glob("lib/*")])
        figures = empty if name == "empty" else sizes[name]
        figures["compiled"] = site_packages_bytes(venv)
    rows = []
    for name, label in (("hello", BASELINE), ("bare", "bare"), ("everything", "everything")):
        for kind in ("compiled", "plain"):
            added = (sizes[name][kind] - empty[kind]) / 1e6
            hello_added = (sizes["hello"][kind] - empty[kind]) / 1e6
            rows.append(
                Row(
                    "dependencies",
                    f"runtime deps {label}"
                    + (" (with .pyc)" if kind == "compiled" else " (no .pyc)"),
                    added,
                    "MB",
                    baseline=None if name == "hello" else hello_added,
                    # The budget is read on the files installed (uv's default, no bytecode); the
                    # compiled size is reported beside it, and the image, compiled, has its own.
                    budget=None if name == "hello" or kind == "compiled" else BUDGET_DEPS_MB[name],
                )
            )
    # The test suites need the dev extra; added after the size was taken.
    for selection, project in projects.items():
        venv = scratch / f"venv-{selection}"
        run(
            [*uv(), "pip", "install", "-q", "--python", venv / "bin" / "python", ".[dev]"],
            cwd=project,
        )

    subjects.append(
        Subject(
            BASELINE,
            "baseline",
            hello,
            scratch / "venv-hello",
            "hello_app",
            "hello_wsgi:app",
            str(hello / "hello_gunicorn.py"),
            {**base_env(), "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"},
            hello_warm_up,
        )
    )
    for selection, project in projects.items():
        env = production_env(secret_names[selection], urls)
        subjects.append(
            Subject(
                f"service {selection}",
                selection,
                project,
                scratch / f"venv-{selection}",
                "demo",
                "demo.wsgi:app",
                "python:demo.gunicorn_conf",
                env,
                service_warm_up(env),
            )
        )
    return subjects, rows, projects


def reset_database(subject: Subject) -> None:
    """Empty the database, then create the tables the way a deployment does."""
    if (
        "DATABASE_URL" not in subject.env
        or not (subject.root / "src/demo/extensions/database.py").exists()
    ):
        return
    drop = (
        "import os\nfrom sqlalchemy import MetaData, create_engine\n"
        "from demo.extensions.database import database_url\n"
        "engine = create_engine(database_url({'APP_ENV': 'production', **os.environ}))\n"
        "meta = MetaData()\nmeta.reflect(bind=engine)\nmeta.drop_all(bind=engine)\n"
        "engine.dispose()\n"
    )
    run([subject.python, "-c", drop], cwd=subject.root, env=subject.env)
    flask = subject.venv / "bin" / "flask"
    migrations = (subject.root / "src/demo/extensions/migrations.py").exists()
    command = ["db", "upgrade"] if migrations else ["init-db"]
    run([flask, "--app", "demo.wsgi", *command], cwd=subject.root, env=subject.env)


def bench_cold_start(subjects: list[Subject], rounds: int) -> list[Row]:
    """``import`` + ``create_app()`` in a fresh interpreter, timed inside it; then the first
    application context, where the extensions bind the libraries ``create_app`` defers (shown
    without a budget, so that the cost moved out of ``create_app`` stays in sight)."""
    timings: dict[str, list[float]] = {s.name: [] for s in subjects}
    bound: dict[str, list[float]] = {s.name: [] for s in subjects}
    for _ in range(rounds):
        for subject in subjects:
            done = run(
                [subject.python, "-c", _COLD_START.format(module=subject.module)],
                cwd=subject.root,
                env=subject.env,
            )
            create, bind = (float(x) for x in done.stdout.strip().splitlines()[-2:])
            timings[subject.name].append(create)
            bound[subject.name].append(create + bind)
    rows = []
    for label, figures, budget in (
        ("import + create_app()", timings, BUDGET_COLD_START_RATIO),
        ("import + create_app() + first app context", bound, None),
    ):
        base = statistics.median(figures[BASELINE])
        rows += [
            Row(
                "cold start",
                f"{label} {s.name}",
                statistics.median(figures[s.name]) * 1000,
                "ms",
                baseline=None if s.name == BASELINE else base * 1000,
                budget=None if s.name == BASELINE else budget,
                budget_kind="ratio_max",
                runs=rounds,
            )
            for s in subjects
        ]
    return rows


@dataclass
class Server:
    subject: Subject
    process: subprocess.Popen[bytes]
    url: str

    @property
    def workers(self) -> list[int]:
        return children(self.process.pid)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in (self.process.pid, *self.workers))


@contextmanager
def serve(subject: Subject, *, preload: bool = False) -> Iterator[Server]:
    """gunicorn with one worker on a loopback port, ready and warmed up."""
    port = free_port()
    command = [
        str(subject.venv / "bin" / "gunicorn"),
        "-c",
        subject.gunicorn_config,
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "1",
        *(["--preload"] if preload else []),
        subject.wsgi,
    ]
    # The access log goes where a container's stdout would, minus the disk: nowhere.
    process = subprocess.Popen(
        command,
        cwd=subject.root,
        env=subject.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http(url + "/livez")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"{subject.name} did not start:\n{stderr}")
            time.sleep(0.1)
        for _ in range(20):
            subject.warm_up(url)
        yield Server(subject, process, url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def bench_memory(subjects: list[Subject]) -> list[Row]:
    """One worker's RSS, PSS and USS after warm-up.

    Each generated service runs with its own gunicorn settings, which preload the app: the
    master imports and binds it before forking, so a worker's private memory (USS) is what each
    further worker costs, and its RSS also counts the pages it shares with the master. Bare
    Flask is measured both ways, as it runs by default and with ``--preload``. The budget
    (45 MiB) is checked on the USS: see docs/benchmarks.md for why not on the RSS.
    """
    figures: dict[str, dict[str, float]] = {}
    for subject in subjects:
        modes = (False, True) if subject.selection == "baseline" else (False,)
        for preload in modes:
            with serve(subject, preload=preload) as server:
                (worker,) = server.workers
                figures[subject.name + (" --preload" if preload else "")] = memory_mib(worker)
    rows = []
    for metric in ("rss", "pss", "uss"):
        for name, values in figures.items():
            is_base = name.startswith(BASELINE)
            base = None if is_base else figures[f"{BASELINE} --preload"][metric]
            rows.append(
                Row(
                    "memory",
                    f"worker {metric.upper()} {name}",
                    values[metric],
                    "MiB",
                    baseline=base,
                    budget=BUDGET_WORKER_MIB if metric == "uss" and not is_base else None,
                )
            )
    return rows


def wrk(url: str, seconds: float, script: Path) -> dict[str, float]:
    done = run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{WRK_CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            script,
            url,
        ]
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("JSON "))
    figures: dict[str, float] = json.loads(line[5:])
    return figures


def bench_load(subjects: list[Subject], rounds: int, seconds: float, scratch: Path) -> list[Row]:
    """Requests per second, p99 latency and CPU per request on /livez and GET /api/v1/items."""
    script = scratch / "report.lua"
    script.write_text(_REPORT_LUA)
    paths = ("/livez", "/api/v1/items")
    samples: dict[tuple[str, str], dict[str, list[float]]] = {}
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(s)) for s in subjects]
        for server in servers:
            # Seed the same three items the baseline returns.
            if server.subject.selection != "baseline":
                for number in (1, 2, 3):
                    http(
                        server.url + "/api/v1/items",
                        "POST",
                        {"name": f"item {number}", "description": "seeded"},
                    )
        for round_number in range(rounds):
            # Each round starts with another server, so that none is always measured first.
            turn = round_number % len(servers)
            for path in paths:
                for server in servers[turn:] + servers[:turn]:
                    wrk(server.url + path, 1, script)  # settle connections and caches
                    before = server.cpu_seconds()
                    result = wrk(server.url + path, seconds, script)
                    cpu = server.cpu_seconds() - before
                    if result["socket_errors"] or result["non_2xx_3xx"]:
                        raise SystemExit(
                            f"{server.subject.name} {path}: errors under load: {result}"
                        )
                    bucket = samples.setdefault((server.subject.name, path), {})
                    requests = result["requests"]
                    bucket.setdefault("rps", []).append(requests / (result["duration_us"] / 1e6))
                    bucket.setdefault("p99", []).append(result["p99_us"] / 1000)
                    bucket.setdefault("cpu", []).append(cpu / requests * 1e6)
    rows = []
    for path in paths:
        for metric, unit, label in (
            ("rps", "req/s", "throughput"),
            ("p99", "ms", "p99 latency"),
            ("cpu", "us/req", "CPU per request"),
        ):
            base_samples = samples[BASELINE, path][metric]
            base = statistics.median(base_samples)
            for subject in subjects:
                is_base = subject.name == BASELINE
                # The machine is shared and its speed drifts: a round's figure is compared with
                # the baseline's from the same round, and the ratio is the median of those.
                paired = [
                    value / baseline
                    for value, baseline in zip(
                        samples[subject.name, path][metric], base_samples, strict=True
                    )
                ]
                budget, kind = None, "max"
                if not is_base and path == "/livez" and metric == "rps":
                    budget, kind = BUDGET_LIVEZ_THROUGHPUT_RATIO, "ratio_min"
                # The CPU budget goes with /livez: on the items route the baseline returns
                # a constant while the service queries its database, so that ratio is reported
                # without a budget.
                if not is_base and path == "/livez" and metric == "cpu":
                    budget, kind = BUDGET_CPU_PER_REQUEST_RATIO, "ratio_max"
                rows.append(
                    Row(
                        "load",
                        f"{label} {path} {subject.name}",
                        statistics.median(samples[subject.name, path][metric]),
                        unit,
                        baseline=None if is_base else base,
                        budget=budget,
                        budget_kind=kind,
                        runs=rounds,
                        paired_ratio=None if is_base else statistics.median(paired),
                    )
                )
    return rows


@dataclass
class Suite:
    """A generated project's own test suite, in a venv with its dev tools."""

    name: str
    root: Path
    venv: Path


def suite_projects(scratch: Path, extensions: list[str]) -> list[Suite]:
    """What ``new --defaults`` generates, and each extension alone (with what it requires).

    The budget for the test suite names no selection: these show which ones meet it, beside
    the bare and the everything-selected service measured with the rest.
    """
    catalogue = load_catalogue()
    chosen: list[tuple[str, list[str] | None]] = [("recommended", None)]
    chosen += [(f"{name} alone", [name]) for name in extensions]
    print(f"installing {len(chosen)} more projects for their test suites", flush=True)
    suites = []
    for index, (name, selection) in enumerate(chosen):
        out = scratch / f"suite-{index}"
        create_project("demo", output_dir=out, extensions=selection, git=False, catalogue=catalogue)
        make_venv(scratch / f"venv-suite-{index}", ".[dev]", cwd=out / "demo")
        suites.append(Suite(name, out / "demo", scratch / f"venv-suite-{index}"))
    return suites


def bench_test_suites(suites: list[Suite], rounds: int) -> list[Row]:
    """The generated project's own pytest, with no backing service, as a developer runs it."""
    wall: dict[str, list[float]] = {s.name: [] for s in suites}
    reported: dict[str, list[float]] = {s.name: [] for s in suites}
    collected: dict[str, str] = {}
    failures: dict[str, str] = {}

    def run_suite(suite: Suite) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(suite.venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider"],
            cwd=suite.root,
            env=base_env(),
            capture_output=True,
            text=True,
            check=False,
        )

    # A first run, not counted, writes the bytecode of the libraries (installed without it) and
    # of the rewritten test modules, as a developer's first run does once.
    for suite in suites:
        run_suite(suite)
    for _ in range(rounds):
        for suite in suites:
            start = time.perf_counter()
            done = run_suite(suite)
            wall[suite.name].append(time.perf_counter() - start)
            summary = (done.stdout.strip().splitlines() or [""])[-1]
            if done.returncode != 0:
                # A failing suite is a finding to report, not a reason to lose the other figures.
                failures[suite.name] = summary
                print(done.stdout[-3000:], flush=True)
            found = re.search(r"(\d+) passed.* in ([0-9.]+)s", summary)
            collected[suite.name] = found.group(1) if found else "?"
            reported[suite.name].append(float(found.group(2)) if found else float("nan"))
    rows = []
    for s in suites:
        row = Row(
            "tests",
            f"generated test suite {s.name} ({collected[s.name]} tests, wall)",
            statistics.median(wall[s.name]),
            "s",
            budget=BUDGET_TEST_SUITE_S,
            runs=rounds,
            extra={
                "pytest_reported_s": statistics.median(reported[s.name]),
                "tests": collected[s.name],
                "failed": failures.get(s.name),
            },
        )
        if s.name in failures:
            row.case += " FAILED"
            row.budget_kind = "failed"
        rows.append(row)
    return rows


def container_engine() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        info = subprocess.run([docker, "info"], capture_output=True, text=True, check=False)
        if info.returncode == 0 and "podman" not in info.stdout.lower():
            return [docker]
    podman = shutil.which("podman")
    return [podman] if podman else None


def bench_images(projects: dict[str, Path]) -> tuple[list[Row], str]:
    """Megabytes each generated image adds on top of the base image its Dockerfile names."""
    engine = container_engine()
    if engine is None:
        return [], "no container engine"
    rows = []
    for selection, project in projects.items():
        dockerfile = project / "Dockerfile"
        if not dockerfile.exists():
            return [], "no Dockerfile (docker target absent)"
        base = re.findall(r"(?m)^FROM\s+(\S+)", dockerfile.read_text())[-1]
        if (
            subprocess.run(
                [*engine, "image", "inspect", base], capture_output=True, check=False
            ).returncode
            != 0
        ):
            return [], f"base image {base} absent (see tests/infra/podman_setup.sh)"
        tag = f"localhost/flaskforge-bench-{selection}:{os.getpid()}"
        pull = ["--pull=never"] if engine[0].endswith("podman") else []
        print(f"building the {selection} image", flush=True)
        run([*engine, "build", *pull, "-q", "-t", tag, project])
        try:
            size = {}
            for image in (tag, base):
                done = run([*engine, "image", "inspect", image, "--format", "{{.Size}}"])
                size[image] = int(done.stdout.strip())
        finally:
            subprocess.run([*engine, "rmi", "-f", tag], capture_output=True, check=False)
        rows.append(
            Row(
                "image",
                f"image adds, {selection}",
                (size[tag] - size[base]) / 1e6,
                "MB",
                budget=BUDGET_IMAGE_MB[selection],
            )
        )
    return rows, ""


def service_urls() -> dict[str, str]:
    urls = {}
    for name in ("DATABASE_URL", "REDIS_URL"):
        value = os.environ.get(f"FLASKFORGE_BENCH_{name}") or os.environ.get(
            f"FLASKFORGE_TEST_{name}", ""
        )
        if not value:
            raise SystemExit(
                f"set FLASKFORGE_BENCH_{name} (or FLASKFORGE_TEST_{name}) to a throwaway "
                "PostgreSQL database / Redis: the service refuses to start in production without it"
            )
        urls[name] = value
    return urls


def save(
    out_dir: Path, info: dict[str, object], sections: dict[str, list[Row]], notes: dict[str, str]
) -> None:
    """Write one JSON file per section measured so far."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in sections.items():
        path = out_dir / f"{name.replace(' ', '_')}.json"
        payload = {"machine": info, "note": notes.get(name), "rows": [r.as_dict() for r in rows]}
        path.write_text(json.dumps(payload, indent=2) + "\n")


def markdown(out_dir: Path) -> str:
    """The results in ``out_dir`` as Markdown tables, one per section, for docs/benchmarks.md."""
    lines = []
    for path in sorted(out_dir.glob("*.json")):
        if path.name == "machine.json":
            continue
        data = json.loads(path.read_text())
        lines += [f"### {path.stem.replace('_', ' ')}", ""]
        if data.get("note"):
            lines += [f"Not measured: {data['note']}.", ""]
        lines += ["| case | median | ratio | budget | |", "|---|---:|---:|---:|---|"]
        for row in data["rows"]:
            ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}x"
            mark = {None: "", True: "ok", False: "**MISSED**"}[row["within_budget"]]
            value = f"{row['median']:.4g} {row['unit']}"
            lines.append(f"| {row['case']} | {value} | {ratio} | {row['budget'] or ''} | {mark} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few rounds, short wrk runs")
    parser.add_argument("--images", action="store_true", help="build images even with --quick")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="EXTENSION",
        help="leave an extension out of 'everything' (e.g. one still being written); repeatable",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="default: benchmarks/results (benchmarks/results/quick with --quick)",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the saved results as Markdown; measure nothing",
    )
    args = parser.parse_args()
    out_dir = args.out_dir or (RESULTS / "quick" if args.quick else RESULTS)
    if args.markdown:
        print(markdown(out_dir))
        return 0
    urls = service_urls()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is required: apt-get install wrk")
    rounds = (
        {"generator": 3, "cold": 5, "load": 2, "tests": 1}
        if args.quick
        else {"generator": 15, "cold": 21, "load": 7, "tests": 5}
    )
    wrk_seconds = 2 if args.quick else 5
    extensions, targets = selection_names(frozenset(args.without))
    print(f"everything = {','.join(extensions)} + {','.join(targets)}", flush=True)
    info = {
        **machine(),
        "everything": extensions,
        "quick": args.quick,
        "rounds": rounds,
        "wrk_seconds": wrk_seconds,
        "wrk_threads": WRK_THREADS,
        "wrk_connections": WRK_CONNECTIONS,
    }
    started = time.monotonic()
    sections: dict[str, list[Row]] = {}
    notes: dict[str, str] = {}

    print("== generator", flush=True)
    sections["generator"] = bench_generator(rounds["generator"], extensions)
    print_rows(sections["generator"])
    save(out_dir, info, sections, notes)
    with tempfile.TemporaryDirectory(prefix="ffbench-svc-") as tmp:
        scratch = Path(tmp)
        subjects, sections["dependencies"], projects = prepare(scratch, urls, extensions, targets)
        print_rows(sections["dependencies"])
        save(out_dir, info, sections, notes)
        for subject in subjects:
            reset_database(subject)
        print("== cold start", flush=True)
        sections["cold start"] = bench_cold_start(subjects, rounds["cold"])
        print_rows(sections["cold start"])
        save(out_dir, info, sections, notes)
        print("== memory", flush=True)
        sections["memory"] = bench_memory(subjects)
        print_rows(sections["memory"])
        save(out_dir, info, sections, notes)
        print("== load", flush=True)
        sections["load"] = bench_load(subjects, rounds["load"], wrk_seconds, scratch)
        print_rows(sections["load"])
        save(out_dir, info, sections, notes)
        print("== generated test suites", flush=True)
        suites = [Suite(s.selection, s.root, s.venv) for s in subjects if s.selection != "baseline"]
        if args.quick:
            notes["tests"] = "--quick: the recommended and one-extension suites are not run"
        else:
            suites += suite_projects(scratch, extensions)
        sections["tests"] = bench_test_suites(suites, rounds["tests"])
        print_rows(sections["tests"])
        save(out_dir, info, sections, notes)
        if args.quick and not args.images:
            notes["image"] = "skipped by --quick"
        else:
            print("== container images", flush=True)
            sections["image"], reason = bench_images(projects)
            if reason:
                notes["image"] = reason
            print_rows(sections["image"])
    info["seconds"] = round(time.monotonic() - started)
    save(out_dir, info, sections, notes)
    (out_dir / "machine.json").write_text(json.dumps({**info, "notes": notes}, indent=2) + "\n")
    missed = [r.case for rows in sections.values() for r in rows if r.within_budget is False]
    print(
        f"\n{len(missed)} budget(s) missed{': ' + '; '.join(missed) if missed else ''}"
        f" ({info['seconds']} s)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
