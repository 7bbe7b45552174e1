"""Fixtures for every layer, and the rule that a test's folder is its layer and its marker."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge._catalogue import load_catalogue, templates_root
from tests import e2e

#: The folders of ``tests/``, cheapest first. Each test carries its folder's name as a marker,
#: so ``-m "not e2e"`` and ``pytest tests/unit`` select the same way; pyproject.toml says what
#: each proves and costs.
LAYERS = ("unit", "render", "lifecycle", "pty", "e2e")
_TESTS = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        layer = item.path.relative_to(_TESTS).parts[0]
        if layer not in LAYERS:
            raise pytest.UsageError(
                f"{item.path.relative_to(_TESTS.parent)} is in no layer: put it in one of "
                + ", ".join(f"tests/{name}/" for name in LAYERS)
            )
        item.add_marker(layer)


def pytest_configure(config: pytest.Config) -> None:
    # With pytest-xdist (``-n 2``), each worker gets services of its own: the end-to-end tests
    # empty the database they are given and flush their Redis database, and Celery workers
    # started by one worker's tests would take the other's tasks from a shared queue.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        _give_worker_its_own_services(worker)


#: Redis database numbers for xdist workers start this far above the one given.
WORKER_REDIS_OFFSET = 10


def _give_worker_its_own_services(worker: str) -> None:
    """Point this xdist worker (``gw0``, ``gw1``, ...) at ``<database>_<worker>`` and at the
    Redis database ``WORKER_REDIS_OFFSET + N`` above the given one (``scripts/test-all`` creates
    the PostgreSQL databases)."""
    number = int(worker.removeprefix("gw"))
    database = os.environ.get(e2e.REAL_SERVICES["DATABASE_URL"][0])
    if database:
        base, _, name = database.rpartition("/")
        os.environ[e2e.REAL_SERVICES["DATABASE_URL"][0]] = f"{base}/{name}_{worker}"
    redis = os.environ.get(e2e.REAL_SERVICES["REDIS_URL"][0])
    if redis:
        found = re.fullmatch(r"(.*/)(\d+)", redis)
        if not found:
            raise pytest.UsageError(f"{redis}: end the Redis URL with its database number")
        os.environ[e2e.REAL_SERVICES["REDIS_URL"][0]] = (
            f"{found[1]}{int(found[2]) + WORKER_REDIS_OFFSET + number}"
        )


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


_SHIPPED_ROOT = templates_root()


@pytest.fixture(autouse=True)
def _no_catalogue_leaks():
    """Keep the shipped catalogue cached from test to test, and nothing else.

    Most tests read the shipped catalogue (frozen, about 20 ms to load), so reloading it for
    each one cost the inner loop seconds. A catalogue a test builds, or the shipped one's key
    loaded while ``templates_root`` was patched, never reaches the next test.
    """
    yield
    if load_catalogue.cache_info().currsize == 1:
        before = load_catalogue.cache_info()
        shipped = load_catalogue()
        if load_catalogue.cache_info().hits > before.hits and shipped.root == _SHIPPED_ROOT:
            return
    load_catalogue.cache_clear()


# The real backing services for end-to-end tests. Session-wide: the answer (a URL, a skip or a
# failure in CI) depends only on this process's environment.


@pytest.fixture(scope="session")
def database_url() -> str:
    """A throwaway PostgreSQL database (emptied by the tests that use it)."""
    return e2e.real_service_urls("DATABASE_URL")["DATABASE_URL"]


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis the tests may write to."""
    return e2e.real_service_urls("REDIS_URL")["REDIS_URL"]


@pytest.fixture(scope="session")
def service_urls() -> dict[str, str]:
    """``DATABASE_URL`` and ``REDIS_URL`` of the real services, for a service that needs both."""
    return e2e.real_service_urls("DATABASE_URL", "REDIS_URL")
