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
import signal
import subprocess
import time

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


def test_declared_worker_process_starts_and_passes_its_declared_health_check(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _PROJECTS.installed(tmp_path_factory, ("celery",))
    process = next(iter(load_catalogue().get("extension", "celery").processes))
    command = [arg.replace("{package}", "demo") for arg in process.command]
    healthcheck = [arg.replace("{package}", "demo") for arg in process.healthcheck]
    # Production mode, as in a container: the worker must accept a complete configuration.
    env = e2e.clean_env(APP_ENV="production", SECRET_KEY=e2e.SECRET_KEY, REDIS_URL=redis_url)
    env["PATH"] = f"{installed.bin}{os.pathsep}{env.get('PATH', '')}"
    log = installed.project.parent / "declared-worker.log"
    with log.open("w") as output:
        # No shell: compose and Kubernetes exec the argument vector as it is.
        worker = subprocess.Popen(
            command, cwd=installed.project, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert worker.poll() is None, log.read_text()[-4000:]
            probe = subprocess.run(
                healthcheck, env=env, capture_output=True, text=True, timeout=30, check=False
            )
            if probe.returncode == 0:
                break
            assert time.monotonic() < deadline, probe.stderr + log.read_text()[-4000:]
            time.sleep(1)
    finally:
        # SIGTERM is what both orchestrators send: a warm shutdown that must end promptly.
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
            raise
    assert code == 0, log.read_text()[-4000:]
