"""The web extensions (cors, ratelimit, metrics) generate projects that lint and pass their tests.

Each selection is generated, installed into a fresh virtual environment with uv, and checked
with the project's own ``ruff check``, ``ruff format --check`` and ``pytest -W error``, first
with no backing service at all. The selection with all three is then run against a real Redis
named by ``FLASKFORGE_TEST_REDIS_URL``: required in CI, skipped with a reason elsewhere.
"""

from __future__ import annotations

import json

import pytest

from flaskforge import load_catalogue
from tests import e2e

# Checks every selection gets: one implementation in the shared kit, collected here and
# run on this module's ``installed`` projects.
test_ruff_check_passes = e2e.ruff_check_passes
test_ruff_format_check_passes = e2e.ruff_format_check_passes
test_own_tests_pass_without_services = e2e.own_tests_pass_without_services

ALL_THREE = ("cors", "metrics", "ratelimit")


def _selections() -> list[tuple[str, ...]]:
    selections: list[tuple[str, ...]] = [("cors",), ("ratelimit",), ("metrics",), ALL_THREE]
    if any(c.name == "caching" for c in load_catalogue().extensions):
        selections.append(("caching", "ratelimit"))
    return selections


# Run by the generated service's Python: three requests to each path, under a limit of one.
_LIMITED = """
import json
from demo import create_app
app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40, "RATELIMIT_DEFAULT": "1/minute"})
client = app.test_client()
paths = ("/livez", "/readyz", "/metrics", "/api/v1/items")
print(json.dumps({path: [client.get(path).status_code for _ in range(3)] for path in paths}))
"""

# Generated and installed once per selection for the whole module.
_PROJECTS = e2e.ProjectCache("web")
installed = _PROJECTS.fixture(_selections())


def test_all_three_pass_against_real_redis(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _PROJECTS.installed(tmp_path_factory, ALL_THREE)
    env = e2e.clean_env(RATELIMIT_STORAGE_URI=redis_url, REDIS_URL=redis_url)
    installed.pytest(env=env)
    # Prove the limiter really talked to Redis, not to a silent in-memory fallback.
    probe = (
        "from demo import create_app\n"
        "app = create_app({'APP_ENV': 'testing', 'SECRET_KEY': 'k' * 40})\n"
        "print(app.test_client().get('/readyz').get_json()['checks'].get('ratelimit'))\n"
    )
    assert installed.run("python", "-c", probe, env=env).strip() == "ok"


def test_probes_and_scrapes_are_never_limited(tmp_path_factory: pytest.TempPathFactory) -> None:
    # /metrics comes from another extension: the limiter lets it through by its path.
    installed = _PROJECTS.installed(tmp_path_factory, ALL_THREE)

    statuses = json.loads(installed.run("python", "-c", _LIMITED).strip().splitlines()[-1])

    assert statuses == {
        "/livez": [200] * 3,
        "/readyz": [200] * 3,
        "/metrics": [200] * 3,
        "/api/v1/items": [200, 429, 429],
    }
