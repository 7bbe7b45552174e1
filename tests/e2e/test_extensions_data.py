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

import subprocess

import pytest

from tests import e2e

# Checks every selection gets: one implementation in the shared kit, collected here and
# run on this module's ``installed`` projects.
test_ruff_check_passes = e2e.ruff_check_passes
test_ruff_format_check_passes = e2e.ruff_format_check_passes
test_own_tests_pass_without_services = e2e.own_tests_pass_without_services

ALL_THREE = ("caching", "database", "migrations")
SELECTIONS = [("database",), ("migrations",), ("caching",), ALL_THREE, ("caching", "database")]

# Proves the tests really used PostgreSQL and Redis, not a silent SQLite or memory fallback.
_WHICH_SERVICES = """
from demo import create_app
from demo.db import db
app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40})
checks = app.test_client().get("/readyz").get_json()["checks"]
with app.app_context():
    print(db.engine.url.get_backend_name(), checks["database"], checks["cache"])
"""

# Generated once per selection and installed once per kind, for the whole module.
_PROJECTS = e2e.ProjectCache("data")
installed = _PROJECTS.fixture(SELECTIONS)


def test_all_three_pass_against_real_postgres_and_redis(
    service_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _PROJECTS.installed(tmp_path_factory, ALL_THREE)
    env = e2e.clean_env(**service_urls)

    output = installed.pytest("-rA", env=e2e.tests_env(**service_urls))

    assert e2e.ON_TEST_DATABASE in output
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
    installed = _PROJECTS.installed(tmp_path_factory, ALL_THREE, editable=False, dev=False)
    elsewhere = tmp_path_factory.mktemp("job")
    env = e2e.clean_env(APP_ENV="production", SECRET_KEY=e2e.SECRET_KEY, **service_urls)
    installed.run("python", "-c", e2e.EMPTY_DATABASE, env=env, cwd=elsewhere)

    installed.run("flask", "--app", "demo.wsgi", "db", "upgrade", env=env, cwd=elsewhere)
    current = installed.run("flask", "--app", "demo.wsgi", "db", "current", env=env, cwd=elsewhere)
    # `db check` fails when autogenerate would write any operation.
    installed.run("flask", "--app", "demo.wsgi", "db", "check", env=env, cwd=elsewhere)

    assert "0001 (head)" in current


# The development database survives the tests ------------------------------------------------

_DEVELOPMENT_ITEMS = """
from demo import create_app
from demo.db import db
from demo.api.v1.items.models import Item
app = create_app({"APP_ENV": "development"})
with app.app_context():
    if "--add" in __import__("sys").argv:
        db.session.add(Item(name="precious", description="a developer's data"))
        db.session.commit()
    print(sorted(db.session.scalars(db.select(Item.name))))
"""


def test_the_tests_never_empty_the_development_database(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _PROJECTS.installed(tmp_path_factory, ALL_THREE)
    development = e2e.clean_env(APP_ENV="development", DATABASE_URL=database_url)
    installed.run("python", "-c", e2e.EMPTY_DATABASE, env=development)
    installed.run("flask", "db", "upgrade", env=development)
    before = installed.run("python", "-c", _DEVELOPMENT_ITEMS, "--add", env=development)

    # DATABASE_URL exported, as for `flask run`: the tests run, on SQLite, and say so.
    output = installed.pytest(env=development)
    assert "database: in-memory SQLite; to run against PostgreSQL, set TEST_DATABASE_URL" in output
    # TEST_DATABASE_URL naming the same database, spelt otherwise: refused in one line.
    same = database_url.replace("postgresql://", "postgres://").replace("127.0.0.1", "localhost")
    refused = subprocess.run(
        [installed.bin / "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=installed.project,
        env={**development, "TEST_DATABASE_URL": same},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert refused.stderr.strip().splitlines() == [
        "ERROR: TEST_DATABASE_URL names the database of DATABASE_URL, which the tests would"
        " empty: set TEST_DATABASE_URL to a throwaway database, e.g."
        " postgresql://app:app@127.0.0.1:5432/app_test"
    ]
    assert before == "['precious']\n"
    assert installed.run("python", "-c", _DEVELOPMENT_ITEMS, env=development) == before
