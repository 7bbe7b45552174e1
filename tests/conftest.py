from __future__ import annotations

import pytest
from click.testing import CliRunner

from flaskforge._catalogue import load_catalogue


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache():
    # Tests build their own catalogues; never let one leak into the next through the cache.
    load_catalogue.cache_clear()
    yield
    load_catalogue.cache_clear()
