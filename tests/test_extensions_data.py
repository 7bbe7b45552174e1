"""The data extensions (database, migrations, caching) generate projects that lint and pass.

Each selection is generated, installed into a fresh virtual environment with uv, and checked
with the project's own ``ruff check``, ``ruff format --check`` and ``pytest -W error`` with no
backing service at all (SQLite in memory, an in-process cache). The selection with all three
then runs its tests against a real PostgreSQL and Redis named by ``FLASKFORGE_TEST_DATABASE_URL``
and ``FLASKFORGE_TEST_REDIS_URL`` (required in CI, skipped with a reason elsewhere), and its
migrations are applied to an emptied PostgreSQL database by an installed (not editable) copy,
the way the deployment's one-shot job runs them, and must leave nothing for autogenerate.

The PostgreSQL database given is emptied: point it at a throwaway database.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from flaskforge import create_project, load_catalogue
from tests.helpers import uv_command

pytestmark = pytest.mark.e2e

DATABASE_ENV = "FLASKFORGE_TEST_DATABASE_URL"
REDIS_ENV = "FLASKFORGE_TEST_REDIS_URL"
ALL_THREE = ("caching", "database", "migrations")
SELECTIONS = [("database",), ("migrations",), ("caching",), ALL_THREE, ("caching", "database")]
SECRET_KEY = "e2e-secret-key-long-enough-for-production-0123456789"

# Run by the installed service's own Python: empties the database DATABASE_URL names.
_DROP_EVERYTHING = """
from sqlalchemy import MetaData, create_engine
from demo.extensions.database import database_url
import os
engine = create_engine(database_url({"APP_ENV": "production", **os.environ}))
existing = MetaData()
existing.reflect(bind=engine)
existing.drop_all(bind=engine)
engine.dispose()
"""

# Proves the tests really used PostgreSQL and Redis, not a silent SQLite or memory fallback.
_WHICH_SERVICES = """
from demo import create_app
from demo.db import db
app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40})
checks = app.test_client().get("/readyz").get_json()["checks"]
with app.app_context():
    print(db.engine.url.get_backend_name(), checks["database"], checks["cache"])
"""


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment minus every variable a generated service reads, plus ``extra``.

    Without this, a DATABASE_URL or REDIS_URL exported in the developer's shell would turn the
    "no services" run into a run against services.
    """
    catalogue = load_catalogue()
    settings = {
        s.name
        for component in (catalogue.base, *catalogue.extensions, *catalogue.targets)
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

    def __init__(self, project: Path, selection: tuple[str, ...], venv: Path) -> None:
        self.project = project
        self.selection = selection
        self.bin = venv / "bin"

    def run(
        self, tool: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> str:
        return _run(self.bin / tool, *args, cwd=cwd or self.project, env=env or _clean_env())


_INSTALLED: dict[tuple[tuple[str, ...], bool], Installed] = {}


def _install(
    selection: tuple[str, ...], factory: pytest.TempPathFactory, *, editable: bool = True
) -> Installed:
    # Generated once per selection and installed once per kind for the whole module.
    key = (selection, editable)
    if key not in _INSTALLED:
        same = [i for (s, _), i in _INSTALLED.items() if s == selection]
        if same:
            project = same[0].project
        else:
            out = factory.mktemp("data-" + "-".join(selection))
            create_project(
                "demo", output_dir=out, extensions=list(selection), targets=["none"], git=False
            )
            project = out / "demo"
        venv = project.parent / (".venv" if editable else ".venv-installed")
        uv = uv_command()
        env = _clean_env()
        _run(*uv, "venv", "-q", venv, cwd=project, env=env)
        target = ["-e", ".[dev]"] if editable else ["."]
        _run(
            *uv,
            "pip",
            "install",
            "-q",
            "--python",
            venv / "bin" / "python",
            *target,
            cwd=project,
            env=env,
        )
        _INSTALLED[key] = Installed(project, selection, venv)
    return _INSTALLED[key]


@pytest.fixture(scope="module", params=SELECTIONS, ids="+".join)
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Installed:
    return _install(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def service_urls() -> dict[str, str]:
    """DATABASE_URL and REDIS_URL of the real services, from the FLASKFORGE_TEST_* variables."""
    urls = {
        "DATABASE_URL": os.environ.get(DATABASE_ENV, ""),
        "REDIS_URL": os.environ.get(REDIS_ENV, ""),
    }
    missing = [
        env
        for env, name in ((DATABASE_ENV, "DATABASE_URL"), (REDIS_ENV, "REDIS_URL"))
        if not urls[name]
    ]
    if missing:
        how = (
            f"set {DATABASE_ENV}=postgresql://USER:PASSWORD@127.0.0.1:5432/THROWAWAY_DB"
            f" and {REDIS_ENV}=redis://127.0.0.1:6379/0"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide PostgreSQL and Redis ({', '.join(missing)} unset): {how}")
        pytest.skip(f"{', '.join(missing)} unset: {how} to run against real services")
    return urls


def test_ruff_check_passes(installed: Installed) -> None:
    installed.run("ruff", "check", ".")


def test_ruff_format_check_passes(installed: Installed) -> None:
    installed.run("ruff", "format", "--check", ".")


def test_own_tests_pass_without_services(installed: Installed) -> None:
    output = installed.run("pytest", "-W", "error", "-p", "no:cacheprovider", "-rA")
    for name in installed.selection:
        # Each extension brings its own tests, and they ran.
        assert f"PASSED tests/test_{name}.py::" in output


def test_all_three_pass_against_real_postgres_and_redis(
    service_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _install(ALL_THREE, tmp_path_factory)
    env = _clean_env(**service_urls)

    output = installed.run("pytest", "-W", "error", "-p", "no:cacheprovider", "-rA", env=env)

    assert "PASSED tests/test_migrations.py::" in output
    assert installed.run("python", "-c", _WHICH_SERVICES, env=env).split() == [
        "postgresql",
        "ok",
        "ok",
    ]


def test_installed_service_migrates_an_empty_postgres_with_nothing_left_to_generate(
    service_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Not editable, and run from an empty directory: like the container's one-shot job, which
    # has the installed package and no source tree.
    installed = _install(ALL_THREE, tmp_path_factory, editable=False)
    elsewhere = tmp_path_factory.mktemp("job")
    env = _clean_env(APP_ENV="production", SECRET_KEY=SECRET_KEY, **service_urls)
    installed.run("python", "-c", _DROP_EVERYTHING, env=env, cwd=elsewhere)

    installed.run("flask", "--app", "demo.wsgi", "db", "upgrade", env=env, cwd=elsewhere)
    current = installed.run("flask", "--app", "demo.wsgi", "db", "current", env=env, cwd=elsewhere)
    # `db check` fails when autogenerate would write any operation.
    installed.run("flask", "--app", "demo.wsgi", "db", "check", env=env, cwd=elsewhere)

    assert "0001 (head)" in current
