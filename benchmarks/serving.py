"""Serving an app with gunicorn on loopback, talking to it, and loading it with wrk."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .commands import run
from .procfs import cpu_seconds, gunicorn_workers
from .projects import Deployed

# wrk: one thread (the machine has two cores: one for wrk, one for the worker) and 16 keep-alive
# connections, which keep the worker's threads busy without queueing for seconds.
WRK_THREADS = 1
WRK_CONNECTIONS = 16

_WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format(
    "JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"socket_errors\\": %d,"
    .. " \\"non_2xx_3xx\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d}\\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
"""

#: How long a server may take to answer its first request before the benchmark gives up.
START_TIMEOUT_S = 60
#: Between two attempts to reach a starting server: short, as the wait is what is measured.
POLL_INTERVAL_S = 0.005


def http(
    url: str,
    method: str = "GET",
    body: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """Send one request; its status and body (also for 4xx and 5xx answers)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def free_port() -> int:
    """A loopback port nothing listens on (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running gunicorn.

    Attributes:
        app: what it serves.
        process: its master process.
        url: where it listens.
        first_answer_s: from starting the process to its first ``/livez`` answer, in seconds.
    """

    app: Deployed
    process: subprocess.Popen[bytes]
    url: str
    first_answer_s: float

    def workers(self) -> list[int]:
        """The worker processes' ids."""
        return gunicorn_workers(self.process.pid)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers."""
        return sum(cpu_seconds(pid) for pid in (self.process.pid, *self.workers()))


@contextmanager
def serve(app: Deployed, logs: Path) -> Iterator[Server]:
    """Start gunicorn for ``app`` on a loopback port; yield it once it has answered ``/livez``.

    ``logs`` is a folder for gunicorn's error log, shown if the server fails to start.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    gunicorn = app.venv / "bin" / "gunicorn"
    # Options on the command line win over the configuration: loopback instead of 0.0.0.0.
    command = [gunicorn, "-c", app.gunicorn_config, "-b", f"127.0.0.1:{port}", app.wsgi]
    log_path = logs / f"gunicorn-{port}.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        # The access log goes where a container's stdout would, minus the disk: nowhere.
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=app.root,
            env=app.env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            _wait_for_livez(url, process, log_path)
            yield Server(app, process, url, time.perf_counter() - started)
        finally:
            _stop(process)


def _wait_for_livez(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            status, body = http(url + "/livez")
        except OSError:
            # Refused until the master has loaded the app and bound its socket.
            status, body = 0, b""
        if status == 200:
            return
        if status or process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(
                f"gunicorn did not answer /livez ({status} {body[:200]!r}):\n"
                + log.read_text(errors="replace")[-4000:]
            )
        time.sleep(POLL_INTERVAL_S)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def warm_up(server: Server, passes: int = 20) -> None:
    """Request every endpoint ``passes`` times, so that nothing is loaded on first use later."""
    for _ in range(passes):
        if server.app.is_baseline:
            for path in ("/livez", "/api/v1/items", "/nope"):
                http(server.url + path)
        else:
            _use_every_endpoint(server)


def _use_every_endpoint(server: Server) -> None:
    url = server.url
    for path in ("/livez", "/readyz", "/api/v1/items", "/api/v1/items/999999", "/nope"):
        http(url + path)
    status, body = http(url + "/api/v1/items", "POST", {"name": "warm-up"})
    if status == 401 and "JWT_SECRET_KEY" in server.app.env:
        return  # with jwt, writes need an access token: the 401 is the path warmed
    if status != 201:
        raise SystemExit(f"{server.app.name}: POST /api/v1/items answered {status}: {body[:300]!r}")
    item = f"{url}/api/v1/items/{json.loads(body)['id']}"
    http(item)
    http(item, "PATCH", {"description": "x"})
    http(item, "PUT", {"name": "warm-up"})
    http(item, "DELETE")
    if "METRICS_TOKEN" in server.app.env:
        http(
            url + "/metrics", headers={"Authorization": f"Bearer {server.app.env['METRICS_TOKEN']}"}
        )


@dataclass(frozen=True)
class LoadRun:
    """What one wrk run measured against one server."""

    requests_per_s: float
    p99_ms: float
    cpu_us_per_request: float


def load(server: Server, path: str, seconds: float, scratch: Path) -> LoadRun:
    """wrk on ``path`` for ``seconds`` after a one-second run that settles connections.

    Stops the benchmark on any socket error or non-2xx answer: a figure with errors in it
    measures something else.
    """
    script = scratch / "wrk-report.lua"
    if not script.exists():
        script.write_text(_WRK_REPORT)
    _wrk(server.url + path, 1, script)
    before = server.cpu_seconds()
    result = _wrk(server.url + path, seconds, script)
    cpu = server.cpu_seconds() - before
    if result["socket_errors"] or result["non_2xx_3xx"]:
        raise SystemExit(f"{server.app.name} {path}: errors under load: {result}")
    requests = result["requests"]
    return LoadRun(
        requests_per_s=requests / (result["duration_us"] / 1e6),
        p99_ms=result["p99_us"] / 1000,
        cpu_us_per_request=cpu / requests * 1e6,
    )


def _wrk(url: str, seconds: float, script: Path) -> dict[str, float]:
    output = run(
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        script,
        url,
    )
    line = next(x for x in output.splitlines() if x.startswith("JSON "))
    figures: dict[str, float] = json.loads(line.removeprefix("JSON "))
    return figures
