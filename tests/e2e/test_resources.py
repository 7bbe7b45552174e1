"""``add-resource`` writes code the project's own lint and tests accept, for every selection.

For the bare service, the default selection and every extension: two resources are added,
``customers`` and ``orders`` with one field of each type (a reference to customers among them);
then the project passes its own ``ruff check``, ``ruff format --check`` and tests, against the
real PostgreSQL (and Redis) where the selection has them; with the openapi extension its own
schemathesis test covers the new operations too (derandomised: no 5xx, every answer as
documented). With migrations, ``flask db upgrade`` then ``flask db downgrade`` by one revision
are clean on PostgreSQL.

The PostgreSQL database given is emptied: point it at a throwaway database.
"""

from __future__ import annotations

import json

import pytest

from flaskforge import add_resource, load_catalogue
from tests import e2e

CUSTOMERS = ["name:str:120", "parent_id:ref:customers?"]
#: One field of each type.
ORDERS = [
    "label:str:80",
    "notes:text?",
    "quantity:int",
    "total:decimal",
    "paid:bool",
    "due_on:date",
    "placed_at:datetime",
    "token:uuid",
    "status:enum:new,paid,sent",
    "customer_id:ref:customers",
]
SELECTIONS = {
    "bare": ["none"],
    # What `flaskforge new --defaults` takes.
    "default": [c.name for c in load_catalogue().extensions if c.recommended],
    "everything": e2e.everything()[0],
}

_PROBE = """
import json
from demo import create_app
app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40})
rules = sorted(rule.rule for rule in app.url_map.iter_rules())
document = app.test_client().get("/api/openapi.json").get_json() or {}
print(json.dumps({"rules": rules, "paths": sorted(document.get("paths", {}))}))
"""


_INSTALLED: dict[str, e2e.InstalledProject] = {}


def _installed(which: str, factory: pytest.TempPathFactory) -> e2e.InstalledProject:
    """The selection generated, grown by the two resources, installed for development (once)."""
    if which not in _INSTALLED:
        out = factory.mktemp(f"resources-{which}")
        generated = e2e.generate(out, SELECTIONS[which])
        for name, fields in (("customers", CUSTOMERS), ("orders", ORDERS)):
            result = add_resource(name, fields, project=generated.project)
            assert result.added == (name,)
        _INSTALLED[which] = e2e.install(generated, out / ".venv")
    return _INSTALLED[which]


@pytest.fixture(scope="module", params=list(SELECTIONS), name="installed")
def installed_with_resources(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> e2e.InstalledProject:
    """Each selection with the two resources, installed."""
    return _installed(request.param, tmp_path_factory)


test_ruff_check_passes = e2e.ruff_check_passes
test_ruff_format_check_passes = e2e.ruff_format_check_passes


def test_own_tests_pass_against_the_real_services(installed: e2e.InstalledProject) -> None:
    settings = {s.name for s in installed.settings} & set(e2e.REAL_SERVICES)
    urls = e2e.real_service_urls(*sorted(settings)) if settings else {}
    # Against the services, the tests of what the resources touch: theirs, the migrations' and
    # the document's (the rest of each suite is the other end-to-end modules' business).
    touched = [
        f"tests/test_{name}.py"
        for name in ("customers", "orders", "migrations", "openapi")
        if (installed.project / f"tests/test_{name}.py").is_file()
    ]

    output = installed.pytest("-rA", *(touched if urls else []), env=e2e.tests_env(**urls))

    for module in ("customers", "orders"):
        assert f"PASSED tests/test_{module}.py::" in output
    if "DATABASE_URL" in urls:
        assert e2e.ON_TEST_DATABASE in output


def test_the_resources_are_routed_and_documented(installed: e2e.InstalledProject) -> None:
    answers = json.loads(installed.run("python", "-c", _PROBE).splitlines()[-1])

    expected = {"/api/v1/orders", "/api/v1/orders/<int:order_id>", "/api/v1/customers"}
    assert expected <= set(answers["rules"])
    if "openapi" in installed.project.joinpath(".flaskforge.toml").read_text():
        assert {"/api/v1/orders", "/api/v1/orders/{order_id}"} <= set(answers["paths"])


@pytest.mark.parametrize("which", ["default", "everything"])
def test_upgrade_then_downgrade_one_revision_is_clean_on_postgres(
    which: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    installed = _installed(which, tmp_path_factory)
    env = e2e.clean_env(APP_ENV="development", DATABASE_URL=database_url)
    installed.run("python", "-c", e2e.EMPTY_DATABASE, env=env)

    installed.run("flask", "db", "upgrade", env=env)
    installed.run("flask", "db", "check", env=env)  # the models and the revisions agree
    installed.run("flask", "db", "downgrade", env=env)
    tables = installed.run("python", "-c", _TABLES, env=env).split()
    installed.run("flask", "db", "upgrade", env=env)

    assert "customers" in tables
    assert "orders" not in tables
    assert "orders" in installed.run("python", "-c", _TABLES, env=env).split()


_TABLES = """
from demo import create_app
from demo.db import db
from sqlalchemy import inspect
app = create_app({"APP_ENV": "development"})
with app.app_context():
    print(" ".join(sorted(inspect(db.engine).get_table_names())))
"""
