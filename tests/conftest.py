"""Fixtures for every layer, and the rule that a test's folder is its layer and its marker."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge._catalogue import load_catalogue
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


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache():
    # Tests build their own catalogues; never let one leak into the next through the cache.
    load_catalogue.cache_clear()
    yield
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
