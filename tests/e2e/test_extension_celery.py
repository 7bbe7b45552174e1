"""The celery extension generates projects that lint and pass, and a worker that really works.

Each selection (celery alone, with caching, with database) is generated, installed with uv and
checked with the project's own ``ruff check``, ``ruff format --check`` and ``pytest -W error``
with no backing service (tasks run eagerly). With ``FLASKFORGE_TEST_REDIS_URL`` (required in
CI, skipped with a reason elsewhere) the Redis selections run their tests again against that
Redis, which includes starting a real worker and a task's round trip through it; and the worker
process the manifest declares is started exactly as compose and Kubernetes start it, and its
declared health check, run without a shell the way both run it, must pass.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from flaskforge import load_catalogue
from tests import e2e

# Checks every selection gets: one implementation in the shared kit, collected here and
# run on this module's ``installed`` projects.
test_ruff_check_passes = e2e.ruff_check_passes
test_ruff_format_check_passes = e2e.ruff_format_check_passes

SELECTIONS = [("celery",), ("caching", "celery"), ("celery", "database")]
REDIS_SELECTIONS = [("celery",), ("caching", "celery")]

# Generated and installed once per selection for the whole module.
_PROJECTS = e2e.ProjectCache("celery")
installed = _PROJECTS.fixture(SELECTIONS)


def test_own_tests_pass_without_services(installed: e2e.InstalledProject) -> None:
    output = installed.pytest("-rA")

    e2e.assert_each_extension_tested(installed, output)
    assert "PASSED tests/test_celery.py::test_worker_refuses_to_start_without_redis" in output
    assert (
        "PASSED tests/test_celery.py::test_shared_tasks_run_on_the_celery_of_the_app_built_last"
        in output
    )
    assert "SKIPPED" not in output


@pytest.mark.parametrize("selection", REDIS_SELECTIONS, ids="+".join)
def test_own_tests_pass_against_real_redis_with_a_real_worker(
    selection: tuple[str, ...], redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _PROJECTS.installed(tmp_path_factory, selection)
    env = e2e.clean_env(REDIS_URL=redis_url)

    output = installed.pytest("-rA", env=env)

    # Only defined with a Redis: proves the round trip ran instead of silently vanishing.
    assert "PASSED tests/test_celery.py::test_real_worker_round_trip_through_redis" in output
    assert "PASSED tests/test_celery.py::test_health_check_answers_for_the_running_worker_only" in (
        output
    )


def _worker_passes_its_health_check(
    command: list[str],
    env: dict[str, str],
    healthcheck: list[str],
    probe_env: dict[str, str],
    installed: e2e.InstalledProject,
    log: Path,
    *,
    session: bool = False,
) -> subprocess.Popen[bytes]:
    """Start the worker with ``command`` (in a session of its own with ``session``) and wait
    until ``healthcheck`` passes, run in the project; the worker."""
    with log.open("w") as output:
        worker = subprocess.Popen(
            command,
            cwd=installed.project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=session,
        )
    deadline = time.monotonic() + 60
    while True:
        if worker.poll() is not None:
            return worker
        probe = subprocess.run(
            healthcheck,
            cwd=installed.project,
            env=probe_env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if probe.returncode == 0:
            return worker
        if time.monotonic() > deadline:
            _stop(worker, group=session)  # never left running to answer the next test's probe
            pytest.fail(probe.stderr + log.read_text()[-4000:])
        time.sleep(1)


def _stop(worker: subprocess.Popen[bytes], *, group: bool = False) -> int:
    """SIGTERM (to its process group with ``group``), what orchestrators and Ctrl-C send."""
    if group:
        os.killpg(worker.pid, signal.SIGTERM)
    else:
        worker.send_signal(signal.SIGTERM)
    try:
        return worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(worker.pid, signal.SIGKILL)
        else:
            worker.kill()
        worker.wait(timeout=10)
        raise


def _declared(arguments: tuple[str, ...]) -> list[str]:
    return [arg.replace("{package}", "demo") for arg in arguments]


def test_declared_worker_process_starts_and_passes_its_declared_health_check(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _PROJECTS.installed(tmp_path_factory, ("celery",))
    process = next(iter(load_catalogue().get("extension", "celery").processes))
    # Production mode, as in a container: the worker must accept a complete configuration.
    env = e2e.clean_env(APP_ENV="production", SECRET_KEY=e2e.SECRET_KEY, REDIS_URL=redis_url)
    env["PATH"] = f"{installed.bin}{os.pathsep}{env.get('PATH', '')}"
    log = installed.project.parent / "declared-worker.log"
    # No shell: compose and Kubernetes exec the argument vector as it is.
    worker = _worker_passes_its_health_check(
        _declared(process.command), env, _declared(process.healthcheck), env, installed, log
    )
    running = worker.poll() is None
    # SIGTERM is what both orchestrators send: a warm shutdown that must end promptly.
    code = _stop(worker)
    assert running, log.read_text()[-4000:]
    assert code == 0, log.read_text()[-4000:]


def test_make_worker_after_the_quick_start_runs_with_the_settings_of_dot_env(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """What new's note says: after the quick start, with REDIS_URL in .env, 'make worker'."""
    installed = _PROJECTS.installed(tmp_path_factory, ("celery",))
    process = next(iter(load_catalogue().get("extension", "celery").processes))
    dot_env = installed.project / ".env"
    shutil.copy(installed.project / ".env.example", dot_env)
    try:
        installed.run("dotenv", "set", "REDIS_URL", redis_url)
        # Nothing exported: the settings of the worker, and of its health check, come from
        # .env alone (the health check reads only the environment, as orchestrators give it).
        env = e2e.clean_env()
        healthcheck = [str(installed.python), *_declared(process.healthcheck)[1:]]
        log = installed.project.parent / "make-worker.log"
        worker = _worker_passes_its_health_check(
            ["make", "worker", f"VENV={installed.venv}"],
            env,
            [str(installed.bin / "dotenv"), "run", "--", *healthcheck],
            env,
            installed,
            log,
            session=True,
        )
        running = worker.poll() is None
        _stop(worker, group=True)
        assert running, log.read_text()[-4000:]
    finally:
        dot_env.unlink()
