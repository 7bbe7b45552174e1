"""The openapi extension generates projects that lint and pass, alone and beside the others.

Each selection is generated, installed with uv into a fresh virtual environment and checked
with the project's own ``ruff check``, ``ruff format --check`` and ``pytest -W error``; the
project's tests validate the document, the 422s and Swagger UI, and run schemathesis against
the document in-process. jwt joins the matrix when the catalogue has it.
"""

from __future__ import annotations

import json

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

# The routes under /api/v1 the app serves and those its document describes, as two sorted lists
# of "METHOD /path" (converters written as the document writes them: {item_id}).
_ROUTES = """
import json
import re

from demo import create_app

app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40})
served = {
    method + " " + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\\1}", rule.rule)
    for rule in app.url_map.iter_rules()
    if rule.rule.startswith("/api/v1/")
    for method in rule.methods - {"HEAD", "OPTIONS"}
}
document = app.test_client().get("/api/openapi.json").get_json()
documented = {
    f"{method.upper()} {path}"
    for path, operations in document["paths"].items()
    for method in operations
    if method != "parameters"
}
print(json.dumps([sorted(served), sorted(documented)]))
"""

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


def test_every_route_flaskforge_generates_is_documented(installed: e2e.InstalledProject) -> None:
    # The generated test lets an owner's plain blueprints stay out of the document; what
    # flaskforge itself generates (the items, and other extensions' routes) must all be in it.
    served, documented = json.loads(installed.run("python", "-c", _ROUTES))

    assert served == documented
    assert "PATCH /api/v1/items/{item_id}" in documented
