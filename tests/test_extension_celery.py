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
from pathlib import Path

import pytest

from flaskforge import create_project, load_catalogue
from tests.helpers import uv_command

pytestmark = pytest.mark.e2e

REDIS_ENV = "FLASKFORGE_TEST_REDIS_URL"
SELECTIONS = [("celery",), ("caching", "celery"), ("celery", "database")]
REDIS_SELECTIONS = [("celery",), ("caching", "celery")]
SECRET_KEY = "e2e-secret-key-long-enough-for-production-0123456789"


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment minus every variable a generated service reads, plus ``extra``."""
    catalogue = load_catalogue()
    settings = {
        s.name
        for component in (catalogue.base, *catalogue.services, *catalogue.extensions)
        for s in component.settings
    }
    env = {k: v for k, v in os.environ.items() if k not in settings and k != "VIRTUAL_ENV"}
    env.update(extra)
    return env


def _run(*command: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-6000:]}\n{done.stderr[-4000:]}"
    return done.stdout


class Installed:
    """A generated project installed into its own virtual environment."""

    def __init__(self, project: Path, selection: tuple[str, ...]) -> None:
        self.project = project
        self.selection = selection
        self.bin = project.parent / ".venv" / "bin"

    def run(self, tool: str, *args: str, env: dict[str, str] | None = None) -> str:
        return _run(self.bin / tool, *args, cwd=self.project, env=env or _clean_env())


_INSTALLED: dict[tuple[str, ...], Installed] = {}


def _install(selection: tuple[str, ...], factory: pytest.TempPathFactory) -> Installed:
    if selection not in _INSTALLED:
        out = factory.mktemp("celery-" + "-".join(selection))
        create_project(
            "demo", output_dir=out, extensions=list(selection), targets=["none"], git=False
        )
        project = out / "demo"
        venv = out / ".venv"
        uv = uv_command()
        env = _clean_env()
        _run(*uv, "venv", "-q", venv, cwd=project, env=env)
        _run(
            *uv,
            "pip",
            "install",
            "-q",
            "--python",
            venv / "bin" / "python",
            "-e",
            ".[dev]",
            cwd=project,
            env=env,
        )
        _INSTALLED[selection] = Installed(project, selection)
    return _INSTALLED[selection]


@pytest.fixture(scope="module", params=SELECTIONS, ids="+".join)
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Installed:
    return _install(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def redis_url() -> str:
    """The URL of a real Redis, from FLASKFORGE_TEST_REDIS_URL."""
    url = os.environ.get(REDIS_ENV, "")
    if not url:
        how = f"set {REDIS_ENV}=redis://127.0.0.1:6379/0"
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide Redis ({REDIS_ENV} unset): {how}")
        pytest.skip(f"{REDIS_ENV} unset: {how} to run a real worker")
    return url


def test_ruff_check_passes(installed: Installed) -> None:
    installed.run("ruff", "check", ".")


def test_ruff_format_check_passes(installed: Installed) -> None:
    installed.run("ruff", "format", "--check", ".")


def test_own_tests_pass_without_services(installed: Installed) -> None:
    output = installed.run("pytest", "-W", "error", "-p", "no:cacheprovider", "-rA")

    for name in installed.selection:
        assert f"PASSED tests/test_{name}.py::" in output
    assert "PASSED tests/test_celery.py::test_worker_refuses_to_start_without_redis" in output
    assert "SKIPPED" not in output


@pytest.mark.parametrize("selection", REDIS_SELECTIONS, ids="+".join)
def test_own_tests_pass_against_real_redis_with_a_real_worker(
    selection: tuple[str, ...], redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _install(selection, tmp_path_factory)
    env = _clean_env(REDIS_URL=redis_url)

    output = installed.run("pytest", "-W", "error", "-p", "no:cacheprovider", "-rA", env=env)

    # Only defined with a Redis: proves the round trip ran instead of silently vanishing.
    assert "PASSED tests/test_celery.py::test_real_worker_round_trip_through_redis" in output
    assert "PASSED tests/test_celery.py::test_health_check_answers_for_the_running_worker_only" in (
        output
    )


def test_declared_worker_process_starts_and_passes_its_declared_health_check(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _install(("celery",), tmp_path_factory)
    process = next(iter(load_catalogue().get("extension", "celery").processes))
    command = [arg.replace("{package}", "demo") for arg in process.command]
    healthcheck = [arg.replace("{package}", "demo") for arg in process.healthcheck]
    # Production mode, as in a container: the worker must accept a complete configuration.
    env = _clean_env(APP_ENV="production", SECRET_KEY=SECRET_KEY, REDIS_URL=redis_url)
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
