"""The openapi extension generates projects that lint and pass, alone and beside the others.

Each selection is generated, installed with uv into a fresh virtual environment and checked
with the project's own ``ruff check``, ``ruff format --check`` and ``pytest -W error``; the
project's tests validate the document, the 422s and Swagger UI, and run schemathesis against
the document in-process. jwt joins the matrix when the catalogue has it.
"""

from __future__ import annotations

from flaskforge import load_catalogue
from tests import e2e

# Checks every selection gets: one implementation in the shared kit, collected here and
# run on this module's ``installed`` projects.
test_ruff_check_passes = e2e.ruff_check_passes
test_ruff_format_check_passes = e2e.ruff_format_check_passes

_NAMES = {extension.name for extension in load_catalogue().extensions}
SELECTIONS = [
    ("openapi",),
    ("database", "migrations", "openapi"),
    ("caching", "openapi", "ratelimit"),
    *([("jwt", "openapi")] if "jwt" in _NAMES else []),
]

# Generated and installed once per selection for the whole module.
_PROJECTS = e2e.ProjectCache("openapi")
installed = _PROJECTS.fixture(SELECTIONS)


def test_own_tests_pass_including_the_document_checks(installed: e2e.InstalledProject) -> None:
    output = installed.pytest("-rA")

    assert "PASSED tests/test_openapi.py::test_the_document_is_valid_openapi_3" in output
    # schemathesis ran one test per documented operation, and none failed: the six item
    # operations, plus those of extensions that document their own routes.
    selection = installed.extensions
    operations = 6 + 5 * ("jwt" in selection) + 2 * ("celery" in selection)
    passed = "PASSED tests/test_openapi.py::test_the_service_honours_its_document"
    assert output.count(passed) == operations
    # The base's item tests still hold with the documented routes in place.
    assert "PASSED tests/test_items.py::" in output
