"""The web extensions (cors, ratelimit, metrics) generate projects that lint and pass their tests.

Each selection is generated, installed into a fresh virtual environment with uv, and checked
with the project's own ``ruff check``, ``ruff format --check`` and ``pytest -W error``, first
with no backing service at all. The selection with all three is then run against a real Redis
named by ``FLASKFORGE_TEST_REDIS_URL``: required in CI, skipped with a reason elsewhere.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from flaskforge import create_project, load_catalogue
from tests.helpers import uv_command

pytestmark = pytest.mark.e2e

REDIS_ENV = "FLASKFORGE_TEST_REDIS_URL"
ALL_THREE = ("cors", "metrics", "ratelimit")


def _selections() -> list[tuple[str, ...]]:
    selections: list[tuple[str, ...]] = [("cors",), ("ratelimit",), ("metrics",), ALL_THREE]
    if any(c.name == "caching" for c in load_catalogue().extensions):
        selections.append(("caching", "ratelimit"))
    return selections


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment minus every variable a generated service reads, plus ``extra``.

    Without this, a REDIS_URL or DATABASE_URL exported in the developer's shell would turn the
    "no services" run into a run against services.
    """
    catalogue = load_catalogue()
    settings = {
        s.name
        for component in (catalogue.base, *catalogue.extensions, *catalogue.targets)
        for s in component.settings
    }
    env = {k: v for k, v in os.environ.items() if k not in settings and k not in {"VIRTUAL_ENV"}}
    env.update(extra)
    return env


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
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
        self.bin = project / ".venv" / "bin"

    def run(self, tool: str, *args: str, env: dict[str, str] | None = None) -> str:
        return _run(self.bin / tool, *args, cwd=self.project, env=env or _clean_env())


_INSTALLED: dict[tuple[str, ...], Installed] = {}


def _install(selection: tuple[str, ...], factory: pytest.TempPathFactory) -> Installed:
    # Generated and installed once per selection for the whole module.
    if selection not in _INSTALLED:
        out = factory.mktemp("web-" + "-".join(selection))
        create_project(
            "demo", output_dir=out, extensions=list(selection), targets=["none"], git=False
        )
        project = out / "demo"
        uv = uv_command()
        _run(*uv, "venv", "-q", project / ".venv", cwd=project)
        python = project / ".venv" / "bin" / "python"
        _run(*uv, "pip", "install", "-q", "--python", python, "-e", ".[dev]", cwd=project)
        _INSTALLED[selection] = Installed(project, selection)
    return _INSTALLED[selection]


@pytest.fixture(scope="module", params=_selections(), ids="+".join)
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Installed:
    return _install(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV, "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide a Redis: set {REDIS_ENV}=redis://127.0.0.1:6379/0")
        pytest.skip(f"set {REDIS_ENV}=redis://HOST:PORT/DB to run against a real Redis")
    return url


def test_ruff_check_passes(installed: Installed) -> None:
    installed.run("ruff", "check", ".")


def test_ruff_format_check_passes(installed: Installed) -> None:
    installed.run("ruff", "format", "--check", ".")


def test_own_tests_pass_without_services(installed: Installed) -> None:
    output = installed.run("pytest", "-W", "error", "-p", "no:cacheprovider", "-rA")
    for name in installed.selection:
        # Each extension brings its own tests, and they ran.
        assert f"PASSED tests/test_{name}.py::" in output


def test_all_three_pass_against_real_redis(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _install(ALL_THREE, tmp_path_factory)
    env = _clean_env(RATELIMIT_STORAGE_URI=redis_url, REDIS_URL=redis_url)
    installed.run("pytest", "-W", "error", "-p", "no:cacheprovider", env=env)
    # Prove the limiter really talked to Redis, not to a silent in-memory fallback.
    probe = (
        "from demo import create_app\n"
        "app = create_app({'APP_ENV': 'testing', 'SECRET_KEY': 'k' * 40})\n"
        "print(app.test_client().get('/readyz').get_json()['checks'].get('ratelimit'))\n"
    )
    assert installed.run("python", "-c", probe, env=env).strip() == "ok"
