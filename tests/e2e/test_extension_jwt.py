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

import pytest

from tests import e2e

# Checks every selection gets: one implementation in the shared kit, collected here and
# run on this module's ``installed`` projects.
test_ruff_check_passes = e2e.ruff_check_passes
test_ruff_format_check_passes = e2e.ruff_format_check_passes

WITH_MIGRATIONS = ("database", "jwt", "migrations")
WITH_REDIS = ("caching", "jwt")
SELECTIONS = [("jwt",), ("database", "jwt"), WITH_REDIS, WITH_MIGRATIONS]

# Run by the generated service's Python: where revocations go, and what readiness says.
_PROBE = """
import json
from demo import create_app
from demo.extensions.jwt import accounts, blocklist
app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40, "JWT_SECRET_KEY": "j" * 40})
client = app.test_client()
checks = client.get("/readyz").get_json()["checks"]
with app.app_context():
    kinds = {"accounts": type(accounts()).__name__, "blocklist": type(blocklist()).__name__}
print(json.dumps({
    **kinds,
    "jwt_blocklist_check": checks.get("jwt_blocklist"),
    "me_without_token": client.get("/api/v1/auth/me").status_code,
    "auth_endpoints": sorted(r.endpoint for r in app.url_map.iter_rules() if "/auth/" in r.rule),
}))
"""


def _probe(installed: e2e.InstalledProject, env: dict[str, str] | None = None) -> dict[str, object]:
    answer = json.loads(installed.run("python", "-c", _PROBE, env=env).strip().splitlines()[-1])
    assert isinstance(answer, dict)
    return answer


# Generated once per selection and installed once per kind, for the whole module.
_PROJECTS = e2e.ProjectCache("jwt")
installed = _PROJECTS.fixture(SELECTIONS)


def test_own_tests_pass_without_services(installed: e2e.InstalledProject) -> None:
    output = installed.pytest("-rA")

    assert "PASSED tests/test_jwt.py::test_logout_revokes_every_token_of_the_login" in output
    assert "PASSED tests/test_jwt.py::test_verify_only_accepts_the_providers_tokens" in output
    assert (
        "PASSED tests/test_jwt_database.py::"
        "test_users_create_stores_a_salted_hash_and_the_user_logs_in" in output
    ) == ("database" in installed.extensions)
    assert " skipped" not in output


def test_accounts_and_revocations_go_where_the_selection_says(
    installed: e2e.InstalledProject,
) -> None:
    answer = _probe(installed)

    with_database = "database" in installed.extensions
    assert answer["accounts"] == ("SQLAccounts" if with_database else "Accounts")
    assert answer["blocklist"] == ("SQLBlocklist" if with_database else "MemoryBlocklist")
    assert answer["me_without_token"] == 401
    # The routes are a resource of the API, nested in api/v1.
    assert answer["auth_endpoints"] == [
        f"api_v1.auth.{name}" for name in ("admin", "login", "logout", "me", "refresh")
    ]


def test_tests_pass_against_real_postgres(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _PROJECTS.installed(tmp_path_factory, WITH_MIGRATIONS)

    output = installed.pytest("-rA", env=e2e.tests_env(DATABASE_URL=database_url))

    assert e2e.ON_TEST_DATABASE in output
    assert "PASSED tests/test_jwt_database.py::test_deleted_user_cannot_refresh" in output
    assert "PASSED tests/test_migrations.py::" in output
    env = e2e.clean_env(DATABASE_URL=database_url)
    assert _probe(installed, env)["blocklist"] == "SQLBlocklist"


def test_tests_pass_against_real_redis(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _PROJECTS.installed(tmp_path_factory, WITH_REDIS)
    env = e2e.clean_env(REDIS_URL=redis_url)

    output = installed.pytest("-rA", env=env)

    assert (
        "PASSED tests/test_jwt.py::test_logout_reaches_the_workers_that_share_the_store" in output
    )
    answer = _probe(installed, env)
    assert answer["blocklist"] == "RedisBlocklist"
    assert answer["jwt_blocklist_check"] == "ok"


def test_installed_service_migrates_an_empty_postgres_with_nothing_left_to_generate(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Not editable, and run from an empty directory, like the deployment's one-shot job.
    installed = _PROJECTS.installed(tmp_path_factory, WITH_MIGRATIONS, editable=False, dev=False)
    elsewhere = tmp_path_factory.mktemp("jwt-job")
    env = e2e.clean_env(
        APP_ENV="production",
        SECRET_KEY=e2e.SECRET_KEY,
        JWT_SECRET_KEY=e2e.SECRET_KEY,
        DATABASE_URL=database_url,
    )
    installed.run("python", "-c", e2e.EMPTY_DATABASE, env=env, cwd=elsewhere)

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
