"""``add-resource`` writes code the project's own lint and tests accept, for every selection.

For the bare service, the default selection, every extension together and each extension of the
catalogue alone (with what it requires; a new extension is covered by being in the catalogue):
two resources are added,
``customers`` and ``orders`` with one field of each type (a reference to customers among them);
then the project passes its own ``ruff check``, ``ruff format --check`` and tests, against the
real PostgreSQL (and Redis) where the selection has them; with the openapi extension its own
schemathesis test covers the new operations too (derandomised: no 5xx, every answer as
documented). With migrations, ``flask db upgrade`` then ``flask db downgrade`` by one revision
are clean on PostgreSQL.

A resource's life on one more project (database, migrations, openapi, in git as an owner has
it): the owner edits the new routes and tests, then another field is added: the edits stay
and the project's own lint and tests pass, against PostgreSQL. And on PostgreSQL, every
revision a resource gets applies and reverts: its table, a column added later, the drop that
``remove-resource`` writes, and the table of the same name added again.

The PostgreSQL database given is emptied: point it at a throwaway database.
"""

from __future__ import annotations

import json

import pytest

from flaskforge import add_resource, create_project, load_catalogue, remove_resource
from tests import e2e
from tests.generated import FIELDS_OF_EACH_TYPE
from tests.lifecycle_kit import commit_all

CUSTOMERS = ["name:str:120", "parent_id:ref:customers?"]
#: One field of each type.
ORDERS = [*FIELDS_OF_EACH_TYPE, "customer_id:ref:customers"]
SELECTIONS = {
    "bare": ["none"],
    # What `flaskforge new --defaults` takes.
    "default": [c.name for c in load_catalogue().extensions if c.recommended],
    "everything": e2e.everything()[0],
    # Each alone: the resource templates' branches for one extension, without the others'.
    **{c.name: [c.name] for c in load_catalogue().extensions},
}

_PROBE = """
import json
from demo import create_app
app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40})
rules = sorted(rule.rule for rule in app.url_map.iter_rules())
document = app.test_client().get("/api/openapi.json").get_json() or {}
order_in = document.get("components", {}).get("schemas", {}).get("OrderIn", {})
bounds = {
    name: [order_in["properties"][name].get(key) for key in ("minimum", "maximum")]
    for name in ("rating", "price")
    if name in order_in.get("properties", {})
}
print(json.dumps({"rules": rules, "paths": sorted(document.get("paths", {})), "bounds": bounds}))
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
        # The ranges of FIELDS_OF_EACH_TYPE; an end left out is the column's limit.
        assert answers["bounds"] == {"rating": [1, 5], "price": [0.5, 9999999999.99]}


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


# ---------------------------------------------------------------------------------------------
# A resource's life, on a project in git


_LIFE = ["database", "migrations", "openapi"]

#: A test the owner adds to the resource's tests: their summary of an operation is served.
_OWNER_TEST = """

def test_the_owner_s_summary_is_documented(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/customers/{customer_id}"]["get"]
    assert operation["summary"] == "Get a customer by its id"
"""

#: Runs ``flask db`` commands (argv: ``upgrade``, ``downgrade``, ``check``) in one process, as
#: the generated migrations tests do, and ``tags`` for the tags table's columns (null without the
#: table); prints those as JSON, last. One process per step would start the app a dozen times.
_STEPS = """
import json, sys
from sqlalchemy import inspect
from demo import create_app
from demo.db import db
app = create_app({"APP_ENV": "development"})
seen = []
with app.app_context():
    for step in sys.argv[1:]:
        if step == "tags":
            found = inspect(db.engine)
            tags = found.get_columns("tags") if found.has_table("tags") else None
            seen.append(tags and [column["name"] for column in tags])
            continue
        result = app.test_cli_runner().invoke(args=["db", step])
        assert result.exit_code == 0, result.output
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def life(tmp_path_factory: pytest.TempPathFactory) -> e2e.InstalledProject:
    """A project with the database, migrations and openapi, in git, installed (once).

    The tests below add their own resources to it (``customers``, ``tags``) and commit, in
    whatever order they run.
    """
    out = tmp_path_factory.mktemp("resource-life")
    created = create_project("demo", output_dir=out, extensions=_LIFE, targets=["none"])
    settings = tuple(
        s for c in created.plan.selection.components(load_catalogue()) for s in c.settings
    )
    generated = e2e.Generated(created.plan.destination, tuple(_LIFE), ("none",), settings)
    return e2e.install(generated, out / ".venv")


def test_the_owner_s_edits_survive_another_field_and_the_project_s_tests_pass(
    life: e2e.InstalledProject, database_url: str
) -> None:
    project = life.project
    add_resource("customers", ["name:str:120"], project=project)
    commit_all(project, "customers")
    routes = project / "src/demo/api/v1/customers/routes.py"
    routes.write_text(
        routes.read_text().replace('"""Get a customer"""', '"""Get a customer by its id"""')
    )
    tests = project / "tests/test_customers.py"
    tests.write_text(tests.read_text() + _OWNER_TEST)
    commit_all(project, "the owner's edits")

    result = add_resource("customers", ["vip:bool?"], project=project)
    commit_all(project, "vip")

    assert result.conflicts == ()
    assert "tests/test_customers.py" in {c.path for c in result.changes}
    assert '"""Get a customer by its id"""' in routes.read_text()
    assert tests.read_text().endswith(_OWNER_TEST)
    assert '"vip"' in tests.read_text()
    life.run("ruff", "check", ".")
    life.run("ruff", "format", "--check", ".")
    # Emptied first: the other projects of this module leave tables referring to customers,
    # which the project's tests could not drop.
    empty = e2e.clean_env(APP_ENV="development", DATABASE_URL=database_url)
    life.run("python", "-c", e2e.EMPTY_DATABASE, env=empty)
    touched = ["tests/test_customers.py", "tests/test_migrations.py", "tests/test_openapi.py"]
    output = life.pytest("-rA", *touched, env=e2e.tests_env(DATABASE_URL=database_url))
    assert "PASSED tests/test_customers.py::test_the_owner_s_summary_is_documented" in output
    assert e2e.ON_TEST_DATABASE in output


def test_a_resource_s_revisions_apply_and_revert_on_postgres(
    life: e2e.InstalledProject, database_url: str
) -> None:
    project = life.project
    env = e2e.clean_env(APP_ENV="development", DATABASE_URL=database_url)

    def flask_db(*steps: str) -> list[list[str] | None]:
        """Run ``steps`` (see ``_STEPS``); the tags table's columns at each ``tags``."""
        output = life.run("python", "-c", _STEPS, *steps, env=env)
        seen: list[list[str] | None] = json.loads(output.splitlines()[-1])  # after Alembic's
        return seen

    life.run("python", "-c", e2e.EMPTY_DATABASE, env=env)
    add_resource("tags", ["label:str:40"], project=project)
    commit_all(project, "tags")
    created = flask_db("upgrade", "tags")
    add_resource("tags", ["colour:str:20?"], project=project)
    commit_all(project, "tags: colour")
    grown = flask_db("upgrade", "tags", "downgrade", "tags", "upgrade", "tags")
    removed = remove_resource("tags", project=project)
    commit_all(project, "no tags")
    # check: the models and the revisions agree (no model, no table).
    dropped = flask_db("upgrade", "tags", "check", "downgrade", "tags", "upgrade")
    again = add_resource("tags", ["label:str:40"], project=project)
    commit_all(project, "tags again")
    made_again = flask_db("upgrade", "check", "tags")

    every = ["id", "label", "colour"]
    assert created == [["id", "label"]]
    assert grown == [every, ["id", "label"], every]
    assert removed.removed == ("tags",)
    assert dropped == [None, every]
    assert again.added == ("tags",)
    assert made_again == [["id", "label"]]
    # The project's own migrations tests walk the whole history, to the base and back.
    life.pytest("tests/test_migrations.py", env=e2e.tests_env(DATABASE_URL=database_url))


# ---------------------------------------------------------------------------------------------
# The longest names

#: The longest names accepted: the project (its package in every import), two resources, and
#: their fields.
LONGEST_PROJECT = "payments_and_billing_for_the_shops_of_every_country_in_the_world"
LONGEST_TARGET = "customer_accounts_of_the_shops"
LONGEST_REFERRER = "purchase_orders_from_the_shops"


def _named_thirty(letter: str, kind: str) -> str:
    return f"{letter}{'x' * 29}:{kind}"


def test_the_longest_names_pass_lint_tests_and_migrations_on_postgres(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Every extension: lines wrap at these lengths (the render test checks every length), and
    # PostgreSQL keeps 63 characters of a constraint's name, which these exceed.
    out = tmp_path_factory.mktemp("resources-longest")
    generated = e2e.generate(out, e2e.everything()[0], name=LONGEST_PROJECT)
    kinds = [spec.partition(":")[2] for spec in FIELDS_OF_EACH_TYPE]
    fields = [_named_thirty(chr(ord("a") + k), kind) for k, kind in enumerate(kinds)]
    target_fields = ["name:str:120", _named_thirty("p", f"ref:{LONGEST_TARGET}?")]
    add_resource(LONGEST_TARGET, target_fields, project=generated.project)
    add_resource(
        LONGEST_REFERRER,
        [*fields, _named_thirty("r", f"ref:{LONGEST_TARGET}")],
        project=generated.project,
    )
    installed = e2e.install(generated, out / ".venv")
    urls = e2e.real_service_urls("DATABASE_URL", "REDIS_URL")

    e2e.ruff_check_passes(installed)
    e2e.ruff_format_check_passes(installed)
    touched = [f"tests/test_{name}.py" for name in (LONGEST_TARGET, LONGEST_REFERRER)]
    output = installed.pytest(
        "-rA", *touched, "tests/test_migrations.py", env=e2e.tests_env(**urls)
    )
    for module in touched:
        assert f"PASSED {module}::" in output
    assert e2e.ON_TEST_DATABASE in output

    env = e2e.clean_env(APP_ENV="development", DATABASE_URL=database_url)
    empty = e2e.EMPTY_DATABASE.replace("from demo.", f"from {LONGEST_PROJECT}.")
    installed.run("python", "-c", empty, env=env)
    installed.run("flask", "db", "upgrade", env=env)
    installed.run("flask", "db", "check", env=env)  # the models and the revisions agree
    installed.run("flask", "db", "downgrade", env=env)
    installed.run("flask", "db", "upgrade", env=env)
