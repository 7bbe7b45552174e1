"""The jwt extension generates projects that lint and pass, alone and beside the data extensions.

Each selection is generated, installed into a fresh virtual environment with uv, and checked
with the project's own ``ruff check``, ``ruff format --check`` and ``pytest -W error`` with no
backing service (revocations in memory or in-memory SQLite). Then the generated tests run
against a real PostgreSQL (revocations and users in tables) and a real Redis (revocations in
Redis, brought by caching), named by ``FLASKFORGE_TEST_DATABASE_URL`` and
``FLASKFORGE_TEST_REDIS_URL`` (required in CI, skipped with a reason elsewhere), and the
shipped migrations build the users tables on an emptied PostgreSQL with nothing left for
autogenerate.

The PostgreSQL database given is emptied: point it at a throwaway database.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from flaskforge import create_project, load_catalogue
from tests.helpers import uv_command

pytestmark = pytest.mark.e2e

DATABASE_ENV = "FLASKFORGE_TEST_DATABASE_URL"
REDIS_ENV = "FLASKFORGE_TEST_REDIS_URL"
WITH_MIGRATIONS = ("database", "jwt", "migrations")
WITH_REDIS = ("caching", "jwt")
SELECTIONS = [("jwt",), ("database", "jwt"), WITH_REDIS, WITH_MIGRATIONS]
SECRET_KEY = "e2e-secret-key-long-enough-for-production-0123456789"

# Run by the generated service's Python: what create_app imports, and where revocations go.
_PROBE = """
import json, sys
from demo import create_app
app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40, "JWT_SECRET_KEY": "j" * 40})
heavy = sorted(m for m in ("flask_jwt_extended", "jwt", "cryptography.hazmat") if m in sys.modules)
client = app.test_client()
checks = client.get("/readyz").get_json()["checks"]
print(json.dumps({
    "imported_by_create_app": heavy,
    "blocklist": app.extensions["jwt.blocklist"].kind,
    "jwt_blocklist_check": checks.get("jwt_blocklist"),
    "me_without_token": client.get("/api/v1/auth/me").status_code,
}))
"""

# Empties the database DATABASE_URL names, as the deployment's database would be at first.
_DROP_EVERYTHING = """
import os
from sqlalchemy import MetaData, create_engine
from demo.extensions.database import database_url
engine = create_engine(database_url({"APP_ENV": "production", **os.environ}))
existing = MetaData()
existing.reflect(bind=engine)
existing.drop_all(bind=engine)
engine.dispose()
"""


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment minus every variable a generated service reads, plus ``extra``.

    A DATABASE_URL or REDIS_URL in the developer's shell would otherwise turn the "no services"
    run into a run against services.
    """
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

    def __init__(self, project: Path, selection: tuple[str, ...], venv: Path) -> None:
        self.project = project
        self.selection = selection
        self.bin = venv / "bin"

    def run(
        self, tool: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> str:
        return _run(self.bin / tool, *args, cwd=cwd or self.project, env=env or _clean_env())

    def pytest(self, env: dict[str, str] | None = None) -> str:
        return self.run("pytest", "-W", "error", "-p", "no:cacheprovider", "-rA", env=env)

    def probe(self, env: dict[str, str] | None = None) -> dict[str, object]:
        answer = json.loads(self.run("python", "-c", _PROBE, env=env).strip().splitlines()[-1])
        assert isinstance(answer, dict)
        return answer


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
            out = factory.mktemp("jwt-" + "-".join(selection))
            create_project(
                "demo", output_dir=out, extensions=list(selection), targets=["none"], git=False
            )
            project = out / "demo"
        venv = project.parent / (".venv" if editable else ".venv-installed")
        uv = uv_command()
        env = _clean_env()
        _run(*uv, "venv", "-q", venv, cwd=project, env=env)
        target = ["-e", ".[dev]"] if editable else ["."]
        python = venv / "bin" / "python"
        _run(*uv, "pip", "install", "-q", "--python", python, *target, cwd=project, env=env)
        _INSTALLED[key] = Installed(project, selection, venv)
    return _INSTALLED[key]


@pytest.fixture(scope="module", params=SELECTIONS, ids="+".join)
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Installed:
    return _install(request.param, tmp_path_factory)


def _service_url(variable: str, example: str) -> str:
    url = os.environ.get(variable, "")
    if not url:
        how = f"set {variable}={example}"
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {variable}: {how}")
        pytest.skip(f"{variable} unset: {how} to run against the real service")
    return url


@pytest.fixture(scope="module")
def database_url() -> str:
    """A throwaway PostgreSQL database (emptied by these tests)."""
    return _service_url(DATABASE_ENV, "postgresql://USER:PASSWORD@127.0.0.1:5432/THROWAWAY_DB")


@pytest.fixture(scope="module")
def redis_url() -> str:
    """A Redis the tests may write to."""
    return _service_url(REDIS_ENV, "redis://127.0.0.1:6379/0")


def test_ruff_check_passes(installed: Installed) -> None:
    installed.run("ruff", "check", ".")


def test_ruff_format_check_passes(installed: Installed) -> None:
    installed.run("ruff", "format", "--check", ".")


def test_own_tests_pass_without_services(installed: Installed) -> None:
    output = installed.pytest()

    assert "PASSED tests/test_jwt.py::test_logout_revokes_every_token_of_the_login" in output
    assert "PASSED tests/test_jwt.py::test_verify_only_accepts_the_providers_tokens" in output
    assert (
        "PASSED tests/test_jwt.py::test_users_create_stores_a_salted_hash_and_the_user_logs_in"
        in output
    ) == ("database" in installed.selection)
    assert " skipped" not in output


def test_create_app_leaves_the_token_libraries_unimported(installed: Installed) -> None:
    answer = installed.probe()

    assert answer["imported_by_create_app"] == []
    assert answer["blocklist"] == ("database" if "database" in installed.selection else "memory")
    assert answer["me_without_token"] == 401


def test_tests_pass_against_real_postgres(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _install(WITH_MIGRATIONS, tmp_path_factory)
    env = _clean_env(DATABASE_URL=database_url)

    output = installed.pytest(env)

    assert "PASSED tests/test_jwt.py::test_deleted_user_cannot_refresh" in output
    assert "PASSED tests/test_migrations.py::" in output
    assert installed.probe(env)["blocklist"] == "database"


def test_tests_pass_against_real_redis(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _install(WITH_REDIS, tmp_path_factory)
    env = _clean_env(REDIS_URL=redis_url)

    output = installed.pytest(env)

    assert (
        "PASSED tests/test_jwt.py::test_logout_reaches_the_workers_that_share_the_store" in output
    )
    answer = installed.probe(env)
    assert answer["blocklist"] == "redis"
    assert answer["jwt_blocklist_check"] == "ok"


def test_installed_service_migrates_an_empty_postgres_with_nothing_left_to_generate(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Not editable, and run from an empty directory, like the deployment's one-shot job.
    installed = _install(WITH_MIGRATIONS, tmp_path_factory, editable=False)
    elsewhere = tmp_path_factory.mktemp("jwt-job")
    env = _clean_env(
        APP_ENV="production",
        SECRET_KEY=SECRET_KEY,
        JWT_SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
    )
    installed.run("python", "-c", _DROP_EVERYTHING, env=env, cwd=elsewhere)

    installed.run("flask", "--app", "demo.wsgi", "db", "upgrade", env=env, cwd=elsewhere)
    current = installed.run("flask", "--app", "demo.wsgi", "db", "current", env=env, cwd=elsewhere)
    # `db check` fails when autogenerate would write any operation: the revision matches.
    installed.run("flask", "--app", "demo.wsgi", "db", "check", env=env, cwd=elsewhere)
    created = installed.run(
        "flask",
        "--app",
        "demo.wsgi",
        "users",
        "create",
        "admin",
        "--role",
        "admin",
        "--password",
        "e2e-admin-password",
        env=env,
        cwd=elsewhere,
    )

    assert "0002_jwt (head)" in current
    assert "Created user 'admin'" in created
