"""The everything-selected service under sustained load, as deployed: no errors, no memory growth.

The service is generated with every extension and target, installed (not editable) into a fresh
virtual environment, its tables created the way the deployment's one-shot job does, and served
by gunicorn with its own configuration in production mode against the real PostgreSQL and
Redis named by ``FLASKFORGE_TEST_DATABASE_URL`` and ``FLASKFORGE_TEST_REDIS_URL``. ``wrk``
(bounded in time, loopback only) then alternates ``GET /livez`` and ``GET /api/v1/items`` on
64 connections for ``FLASKFORGE_LOAD_SECONDS`` (default 30; CI may shorten it, to no less
than 5). Every answer must be 2xx with no socket error, no worker may be replaced, and each
worker's RSS in the last third of the run may not exceed its first third by more than a small
margin.

Rate limits: the ratelimit extension would rightly answer 429 to one client sending thousands of
requests a second, so ``RATELIMIT_DEFAULT`` is raised far above what wrk can send. The limiter
still counts every request in Redis, so its cost stays in the run.

The PostgreSQL database given is emptied: point it at a throwaway database.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from benchmarks.procfs import gunicorn_workers, rss_mib

from tests import e2e

SECONDS = max(5, int(os.environ.get("FLASKFORGE_LOAD_SECONDS", "30")))
CONNECTIONS = 64
WORKERS = 2
#: The last third's median RSS may exceed the first third's by this much (MiB), or by 10%.
MEMORY_MARGIN_MIB = 4.0

# Alternates the two URLs; counts answers per status class in each wrk thread, summed at the end.
_WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  paths = {"/livez", "/api/v1/items"}
  n = 0; ok = 0; bad = 0; livez = 0; items = 0
end
function request()
  n = n + 1
  local path = paths[(n % 2) + 1]
  if path == "/livez" then livez = livez + 1 else items = items + 1 end
  return wrk.format("GET", path)
end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = {ok = 0, bad = 0, livez = 0, items = 0}
  for _, t in ipairs(threads) do
    for key, _ in pairs(total) do total[key] = total[key] + t:get(key) end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "ok": %d, "non_2xx": %d, "sent_livez": %d, "sent_items": %d,'
    .. ' "connect": %d, "read": %d, "write": %d, "timeout": %d, "p99_ms": %.3f}\\n',
    summary.requests, total.ok, total.bad, total.livez, total.items,
    e.connect, e.read, e.write, e.timeout, latency:percentile(99) / 1000))
end
"""


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _production_env(
    secret_names: Iterable[str], urls: dict[str, str], **extra: str
) -> dict[str, str]:
    """Every secret set (a real service's URL, or a random value), plus ``extra``."""
    values = {name: urls.get(name) or secrets.token_urlsafe(48) for name in secret_names}
    return e2e.clean_env(**{**values, **extra})


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """gunicorn serving the everything-selected service in production; yields (url, master)."""
    if shutil.which("wrk") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide wrk (apt-get install wrk)")
        pytest.skip("wrk is not installed: apt-get install wrk")
    urls = e2e.real_service_urls("DATABASE_URL", "REDIS_URL")
    extensions, targets = e2e.everything()
    out = tmp_path_factory.mktemp("load")
    generated = e2e.generate(out, extensions, targets)
    project = generated.project
    multiproc = out / "prometheus"
    multiproc.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _production_env(
        generated.secret_names,
        urls,
        APP_ENV="production",
        WEB_CONCURRENCY=str(WORKERS),
        LOG_LEVEL="WARNING",
        RATELIMIT_DEFAULT="100000000 per minute",
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
    )
    # As deployed: a copy in site-packages, without the dev extra.
    installed = e2e.install(generated, out / ".venv", editable=False, dev=False)
    if "database" in extensions:
        # Start from an empty database, then create the tables the way the deployment does.
        installed.run("python", "-c", e2e.EMPTY_DATABASE, env=env)
        command = ["db", "upgrade"] if "migrations" in extensions else ["init-db"]
        installed.run("flask", "--app", "demo.wsgi", *command, env=env)
    # Command-line options win over the configuration file: loopback instead of 0.0.0.0.
    server = subprocess.Popen(
        [
            str(installed.bin / "gunicorn"),
            "-c",
            "python:demo.gunicorn_conf",
            "-b",
            f"127.0.0.1:{port}",
            "demo.wsgi:app",
        ],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(url + "/readyz") == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.communicate()[1][-4000:]
            assert time.monotonic() < deadline, "gunicorn did not become ready in 60 s"
            time.sleep(0.2)
        yield url, server
    finally:
        server.terminate()
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def _wrk(url: str, seconds: int, script: Path) -> dict[str, float]:
    done = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, done.stdout + done.stderr
    return json.loads(line.removeprefix("RESULT "))


def test_sustained_load_gives_only_2xx_and_stable_worker_memory(
    served: tuple[str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    url, server = served
    script = tmp_path / "load.lua"
    script.write_text(_WRK_SCRIPT)
    # A short first run settles pools, caches and lazy imports before memory is compared.
    _wrk(url, 5, script)
    workers = gunicorn_workers(server.pid)
    assert len(workers) == WORKERS, workers

    samples: dict[int, list[float]] = {pid: [] for pid in workers}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            for pid in workers:
                try:
                    samples[pid].append(rss_mib(pid))
                except OSError:
                    samples[pid].append(float("inf"))  # a worker that died fails the check

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = _wrk(url, SECONDS, script)
    finally:
        stop.set()
        sampler.join()

    sockets = {k: result[k] for k in ("connect", "read", "write", "timeout")}
    assert sockets == dict.fromkeys(sockets, 0), result
    assert result["non_2xx"] == 0, result
    assert result["ok"] == result["requests"] > 0, result
    assert result["sent_livez"] > 0, result
    assert result["sent_items"] > 0, result
    assert gunicorn_workers(server.pid) == workers, "a worker was replaced during the run"
    assert server.poll() is None
    for pid, rss in samples.items():
        third = len(rss) // 3
        assert third >= 3, f"too few memory samples for worker {pid}: {rss}"
        first, last = statistics.median(rss[:third]), statistics.median(rss[-third:])
        allowed = first + max(MEMORY_MARGIN_MIB, first * 0.10)
        assert last <= allowed, (
            f"worker {pid} grew from {first:.1f} MiB to {last:.1f} MiB under load "
            f"(allowed {allowed:.1f} MiB); samples: {[round(x, 1) for x in rss]}"
        )
