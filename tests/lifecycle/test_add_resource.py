"""``add-resource`` and ``remove-resource`` on committed projects: what changes, what never does.

The generated code itself is proven by the end-to-end tests (tests/e2e/test_resources.py); here,
the lifecycle: the same command twice changes nothing, ``--dry-run`` writes nothing, a dirty tree
is refused, the owner's edits survive the next resource, ``remove-resource`` of an untouched
resource gives back the tree from before, and the Alembic history keeps one head whatever the
order of adds. With migrations, ``remove-resource`` keeps the resource's revisions and adds one
that drops its table: the tree from before, but for those revisions and the record's entry
that renders them.
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import (
    add_extensions,
    add_resource,
    create_project,
    read_record,
    remove_resource,
    update_project,
)
from flaskforge._clean import VersionUnavailable, render_with_version
from flaskforge._record import parse_record
from flaskforge._resource_files import addition_id, drop_id, heads, revision_id, revision_ids
from flaskforge.cli import cli
from flaskforge.errors import DirtyWorkingTree, InvalidResource
from tests.lifecycle_kit import as_version, commit_all, files, git

CUSTOMERS = ("name:str:120", "email:str?")
ORDERS = ("total:decimal", "placed_at:datetime", "customer_id:ref:customers")


def _project(out: Path, extensions: list[str]) -> Path:
    created = create_project("shop", output_dir=out, extensions=extensions, targets=["none"])
    return created.plan.destination


def _revisions(project: Path) -> dict[str, tuple[str, ...]]:
    """Revision id -> what it follows, read from the project's revision files."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in (project / "src/shop/migrations/versions").glob("*.py"):
        values = {}
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                values[node.targets[0].id] = ast.literal_eval(node.value)
        down = values["down_revision"] or ()
        graph[values["revision"]] = (down,) if isinstance(down, str) else tuple(down)
    return graph


@pytest.mark.parametrize("extensions", [["none"], ["database", "openapi", "jwt"]])
def test_add_then_remove_an_untouched_resource_gives_back_the_tree(
    tmp_path: Path, extensions: list[str]
) -> None:
    # Without migrations nothing of it is left: not even in the record.
    project = _project(tmp_path, extensions)
    before = files(project)

    added = add_resource("customers", CUSTOMERS, project=project)
    commit_all(project, "add customers")
    removed = remove_resource("customers", project=project)

    assert added.added == ("customers",)
    assert "src/shop/api/v1/customers/routes.py" in {c.path for c in added.changes}
    assert removed.removed == ("customers",)
    assert files(project) == before


def test_the_same_command_twice_changes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path, ["database", "migrations"])
    add_resource("customers", CUSTOMERS, project=project)
    commit_all(project, "add customers")

    again = add_resource("customers", CUSTOMERS, project=project)

    assert again.added == ()
    assert not again.written
    assert git(project, "status", "--porcelain") == ""


def test_a_dry_run_shows_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path, ["none"])
    before = files(project)

    result = CliRunner().invoke(
        cli, ["add-resource", "tags", "-f", "label:str:40", "--dry-run", "-C", str(project)]
    )

    assert result.exit_code == 0, result.output
    assert "+++ b/src/shop/api/v1/tags/routes.py" in result.output
    assert "+bp.register_blueprint(tags_bp)" in result.output
    assert result.output.rstrip().endswith("Dry run: nothing was written.")
    assert files(project) == before


def test_a_dirty_tree_is_refused(tmp_path: Path) -> None:
    project = _project(tmp_path, ["none"])
    (project / "README.md").write_text("mine\n")

    with pytest.raises(DirtyWorkingTree):
        add_resource("tags", ["label:str:40"], project=project)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["tags"], "give its fields"),
        (["tag", "-f", "x:int"], "named by its plural; try 'tags'"),
        (["items", "-f", "x:int"], "already uses that name"),
        (["tags", "-f", "x:float"], "unknown type 'float'"),
        (["tags", "-f", "x:ref:nothings"], "not a resource of the project"),
        (["tags", "-f", "x:int:5..1"], "above its second (1): write 'x:int:1..5'"),
        (["tags", "-f", "x:decimal:nan.."], "'nan' is not a decimal number"),
    ],
    ids=["no-field", "singular", "reserved", "bad-type", "unknown-ref", "range", "range-nan"],
)
def test_bad_input_is_exit_2_and_writes_nothing(tmp_path: Path, args: list[str], line: str) -> None:
    project = _project(tmp_path, ["none"])
    before = files(project)

    result = CliRunner().invoke(cli, ["add-resource", *args, "-C", str(project)])

    assert result.exit_code == 2, result.output
    assert line in result.output
    assert files(project) == before


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("or\x1b[31mders\x07", "unprintable character U+001B"),
        ("order", "named by its plural; try 'orders'"),
        ("Orders", "try 'orders'"),
        ("items", "already uses that name"),
    ],
    ids=["control-characters", "singular", "upper-case", "reserved"],
)
def test_removing_a_name_no_resource_could_have_is_exit_2_with_its_reason(
    tmp_path: Path, name: str, line: str
) -> None:
    project = _project(tmp_path, ["none"])
    before = files(project)

    result = CliRunner().invoke(cli, ["remove-resource", name, "-C", str(project)])

    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert line in result.stderr
    assert "\x1b" not in result.output
    assert files(project) == before


def test_removing_a_resource_the_project_lacks_is_nothing_to_do(tmp_path: Path) -> None:
    project = _project(tmp_path, ["none"])
    add_resource("customers", CUSTOMERS, project=project)
    commit_all(project, "customers")

    result = CliRunner().invoke(cli, ["remove-resource", "orders", "-C", str(project)])

    assert result.exit_code == 0, result.output
    assert (
        result.output
        == "Nothing to do: the project has no resource orders (its resources: customers).\n"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (["label:str:41?"], "tags has it already as label:str:40"),
        (["colour:str"], "must be optional (they have no value for it): 'colour:str:255?'"),
    ],
    ids=["other-type", "required"],
)
def test_a_changed_or_required_field_for_an_existing_resource_is_refused(
    tmp_path: Path, fields: list[str], message: str
) -> None:
    project = _project(tmp_path, ["none"])
    add_resource("tags", ["label:str:40"], project=project)
    commit_all(project, "add tags")

    with pytest.raises(InvalidResource, match=re.escape(message)):
        add_resource("tags", fields, project=project)


def test_another_field_is_merged_into_the_owner_s_edits_with_a_revision_of_its_own(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, ["database", "migrations", "openapi"])
    add_resource("customers", CUSTOMERS, project=project)
    routes = project / "src/shop/api/v1/customers/routes.py"
    routes.write_text(routes.read_text() + "\n\n# The owner's note.\n")
    commit_all(project, "customers, with an edit")
    created = _revisions(project)

    result = add_resource("customers", ["vip:bool?", "name:str:120"], project=project)
    again = add_resource("customers", ["vip:bool?"], project=project, allow_dirty=True)

    assert result.conflicts == ()
    assert again.added == ()
    assert routes.read_text().endswith("# The owner's note.\n")
    assert (
        "vip = _boolean(allow_none=True"
        in (project / "src/shop/api/v1/customers/schemas.py").read_text()
    )
    revisions = _revisions(project)
    (addition,) = set(revisions) - set(created)
    assert revisions == {**created, addition: heads(created)}
    (path,) = (project / "src/shop/migrations/versions").glob(f"{addition}_*.py")
    assert 'batch_op.add_column(sa.Column("vip", sa.Boolean(), nullable=True))' in path.read_text()


def test_with_migrations_remove_keeps_the_revisions_and_adds_one_that_drops_the_table(
    tmp_path: Path,
) -> None:
    # The tree from before add-resource, but for the revisions a database may have applied
    # (create, add a column) and the one dropping the table; the record keeps the resource,
    # marked removed, so that every later render writes those revisions as they are.
    project = _project(tmp_path, ["database", "migrations", "openapi", "jwt"])
    before = files(project)
    add_resource("customers", CUSTOMERS, project=project)
    commit_all(project, "customers")
    add_resource("customers", ["vip:bool?"], project=project)
    commit_all(project, "vip")
    (grown,) = read_record(project).resources
    applied = _revisions(project)

    removed = remove_resource("customers", project=project)

    after = files(project)
    record = read_record(project)
    (gone,) = record.resources
    drop = drop_id(gone)
    versions = "src/shop/migrations/versions"
    assert removed.removed == ("customers",)
    assert record.live_resources == ()
    assert gone == replace(grown, dropped=(addition_id(grown, grown.additions[0]),))
    assert set(before) - set(after) == set()
    assert set(after) - set(before) == {
        f"{versions}/{revision_id(grown)}_create_customers.py",
        f"{versions}/{addition_id(grown, grown.additions[0])}_add_to_customers.py",
        f"{versions}/{drop}_drop_customers.py",
    }
    assert {p for p in before if after[p] != before[p]} == {".flaskforge.toml"}
    assert replace(record, resources=()) == parse_record(before[".flaskforge.toml"].decode())
    # Nothing a database applied moved; the drop comes last, after the column's revision.
    assert _revisions(project) == {**applied, drop: heads(applied)}
    dropping = (project / f"{versions}/{drop}_drop_customers.py").read_text()
    assert 'op.drop_table("customers")' in dropping
    assert 'sa.Column("vip", sa.Boolean(), nullable=True),' in dropping
    assert f"Drop its table: 'make migrate' applies revision {drop}" in removed.next_steps[0]


def test_a_resource_removed_then_added_again_gets_new_revisions_after_the_drop(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, ["database", "migrations"])
    for step in ("add", "remove", "add", "add a field", "remove"):
        if step == "add":
            add_resource("tags", ["label:str:40"], project=project)
        elif step == "add a field":
            add_resource("tags", ["colour:str:20?"], project=project)
        else:
            remove_resource("tags", project=project)
        commit_all(project, step)
        if step == "add":
            # Asked again: nothing to do, as for any resource the project has.
            assert not add_resource("tags", ["label:str:40"], project=project).written

    first, second = read_record(project).resources
    ids = [*revision_ids(first), *revision_ids(second)]
    graph = _revisions(project)
    # One line of history: 0001, create, drop, create again, add colour, drop again.
    assert second.removed_before == 1
    assert len(set(ids)) == 5
    assert graph == {"0001": (), **{r: (p,) for r, p in zip(ids, ["0001", *ids], strict=False)}}
    assert git(project, "status", "--porcelain") == ""


def test_a_resource_whose_referrer_was_removed_can_be_removed(tmp_path: Path) -> None:
    project = _project(tmp_path, ["database", "migrations"])
    for name, fields in (("customers", CUSTOMERS), ("orders", ORDERS)):
        add_resource(name, fields, project=project)
        commit_all(project, name)
    remove_resource("orders", project=project)
    commit_all(project, "no orders")

    remove_resource("customers", project=project)

    customers, orders = read_record(project).resources
    assert heads(_revisions(project)) == (drop_id(customers),)
    # The orders table (and its foreign key) goes first, the customers table after it.
    assert customers.dropped == (drop_id(orders),)
    assert not (project / "src/shop/api/v1/customers").exists()


def test_update_renders_a_removed_resource_s_revisions_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_version(monkeypatch, "0.0.1")
    project = _project(tmp_path, ["database", "migrations", "openapi"])
    add_resource("customers", CUSTOMERS, project=project)
    commit_all(project, "customers")
    add_resource("customers", ["vip:bool?"], project=project)
    commit_all(project, "vip")
    remove_resource("customers", project=project)
    commit_all(project, "no customers")
    before = files(project)
    monkeypatch.undo()

    result = update_project(project=project)

    assert result.written
    assert result.conflicts == ()
    after = files(project)
    # The version changes (the record and the README say which made the project); the
    # revisions, three of them the removed resource's, are rendered byte for byte as they were.
    assert {p for p in set(before) | set(after) if before.get(p) != after.get(p)} == {
        ".flaskforge.toml",
        "README.md",
    }
    assert len(list((project / "src/shop/migrations/versions").glob("*_customers.py"))) == 3
    recorded = parse_record(before[".flaskforge.toml"].decode()).resources
    assert read_record(project).resources == recorded


def test_another_field_where_the_owner_changed_the_same_lines_is_a_conflict_exit_1(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, ["none"])
    add_resource("tags", ["label:str:40"], project=project)
    tests = project / "tests/test_tags.py"
    # The example the field's own example is written next to.
    tests.write_text(tests.read_text().replace('"label": "a value",', '"label": "my value",', 1))
    commit_all(project, "tags, with an edit")

    result = CliRunner().invoke(
        cli, ["add-resource", "tags", "-f", "colour:str:20?", "-C", str(project)]
    )

    assert result.exit_code == 1, result.output
    assert "tests/test_tags.py" in result.output
    text = tests.read_text()
    assert "<<<<<<<" in text
    assert '"label": "my value",' in text
    assert "colour:str:20?" in (project / ".flaskforge.toml").read_text()


def test_the_owner_s_edits_survive_the_next_resource(tmp_path: Path) -> None:
    project = _project(tmp_path, ["database", "openapi"])
    add_resource("customers", CUSTOMERS, project=project)
    routes = project / "src/shop/api/v1/customers/routes.py"
    routes.write_text(routes.read_text() + "\n\n# The owner's note.\n")
    commit_all(project, "add customers, edit its routes")

    result = add_resource("orders", ORDERS, project=project)

    assert result.conflicts == ()
    assert routes.read_text().endswith("# The owner's note.\n")
    # The customers service learns that orders refer to it: a delete checks them.
    assert (
        "orders_store.any_with_customer_id"
        in (project / "src/shop/api/v1/customers/service.py").read_text()
    )


def test_a_resource_others_refer_to_is_not_removed(tmp_path: Path) -> None:
    project = _project(tmp_path, ["none"])
    add_resource("customers", CUSTOMERS, project=project)
    commit_all(project, "customers")
    add_resource("orders", ORDERS, project=project)
    commit_all(project, "orders")

    with pytest.raises(InvalidResource, match=r"orders \(customer_id\) refer to it"):
        remove_resource("customers", project=project)


def test_revisions_chain_after_the_heads_and_jwt_added_later_is_merged(tmp_path: Path) -> None:
    project = _project(tmp_path, ["database", "migrations"])
    add_resource("customers", CUSTOMERS, project=project)
    commit_all(project, "customers")
    first = _revisions(project)
    add_extensions(["jwt"], project=project)
    commit_all(project, "jwt")
    with_jwt = _revisions(project)
    add_resource("orders", ORDERS, project=project)
    commit_all(project, "orders")
    last = _revisions(project)

    assert read_record(project).resources[0].revises == ("0001",)
    assert heads(first) == (customers_id := next(r for r in first if r != "0001"),)
    # jwt's revision follows 0001 as it always does; a merge joins it to the customers one,
    # and no revision a database may have applied changes.
    merge = heads(with_jwt)[0]
    assert len(heads(with_jwt)) == 1
    assert sorted(with_jwt[merge]) == sorted(["0002_jwt", customers_id])
    assert {r: p for r, p in with_jwt.items() if r != merge} == {**first, "0002_jwt": ("0001",)}
    # orders comes after that merge, which stays as it was.
    assert len(heads(last)) == 1
    assert last[heads(last)[0]] == (merge,)
    assert {r: p for r, p in last.items() if r in with_jwt} == with_jwt


def test_update_re_renders_the_resources_and_keeps_the_owner_s_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_version(monkeypatch, "0.0.1")
    project = _project(tmp_path, ["database", "migrations", "openapi"])
    add_resource("customers", CUSTOMERS, project=project)
    service = project / "src/shop/api/v1/customers/service.py"
    service.write_text(service.read_text() + "\n\n# The owner's note.\n")
    commit_all(project, "customers, with an edit")
    monkeypatch.undo()

    result = update_project(project=project)

    assert result.written
    assert result.conflicts == ()
    assert read_record(project).resources[0].fields == ("name:str:120", "email:str:255?")
    assert service.read_text().endswith("# The owner's note.\n")
    assert "customers_bp" in (project / "src/shop/api/v1/__init__.py").read_text()


def test_an_older_version_s_render_cannot_carry_resources(tmp_path: Path) -> None:
    project = _project(tmp_path, ["none"])
    add_resource("tags", ["label:str:40"], project=project)
    record = replace(read_record(project), flaskforge_version="0.0.1")

    # Raised before anything is installed: the baseline is approximated instead.
    with pytest.raises(VersionUnavailable, match="cannot render the project's resources"):
        render_with_version(record)


def test_without_the_ref_an_older_project_with_resources_is_approximated_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fresh clone, say: no baseline ref, and 'flaskforge new' of 0.0.1 cannot render the
    # resource, so nothing is installed and the baseline is approximated; the owner's edit stays.
    as_version(monkeypatch, "0.0.1")
    project = _project(tmp_path, ["none"])
    add_resource("tags", ["label:str:40"], project=project)
    service = project / "src/shop/api/v1/tags/service.py"
    service.write_text(service.read_text() + "\n\n# The owner's note.\n")
    commit_all(project, "tags, with an edit")
    git(project, "update-ref", "-d", "refs/flaskforge/baseline")
    monkeypatch.undo()

    result = update_project(project=project)

    (note,) = result.notes
    assert note.startswith(
        "flaskforge 0.0.1, the project's version, is not available ('flaskforge new' cannot "
        "render the project's resources): the baseline was approximated"
    )
    assert result.written
    assert result.conflicts == ()
    assert service.read_text().endswith("# The owner's note.\n")
    assert read_record(project).resources[0].fields == ("label:str:40",)


def test_the_cli_says_how_to_create_and_how_to_drop_the_table(tmp_path: Path) -> None:
    project = _project(tmp_path, ["database", "migrations"])
    runner = CliRunner()

    added = runner.invoke(cli, ["add-resource", "tags", "-f", "label:str:40", "-C", str(project)])
    revision = revision_id(read_record(project).resources[0])
    commit_all(project, "tags")
    again = runner.invoke(cli, ["add-resource", "tags", "-f", "label:str:40", "-C", str(project)])
    removed = runner.invoke(cli, ["remove-resource", "tags", "-C", str(project)])

    assert added.exit_code == 0, added.output
    assert "Added the resource tags, at /api/v1/tags." in added.output
    assert f"'make migrate' applies revision {revision}" in added.output
    assert again.output == "Nothing to do: the project has tags with these fields already.\n"
    assert removed.exit_code == 0, removed.output
    drop = drop_id(read_record(project).resources[0])
    assert f"Drop its table: 'make migrate' applies revision {drop}" in removed.output


def test_a_resource_added_before_migrations_gets_its_revision_with_them(tmp_path: Path) -> None:
    project = _project(tmp_path, ["database"])
    add_resource("customers", CUSTOMERS, project=project)
    commit_all(project, "customers")

    add_extensions(["migrations"], project=project)

    graph = _revisions(project)
    customers = revision_id(read_record(project).resources[0])
    assert read_record(project).resources[0].revises == ()
    assert graph == {"0001": (), customers: ("0001",)}
    # Removed now, its revision stays where it was and the drop follows it.
    commit_all(project, "migrations")
    remove_resource("customers", project=project)
    drop = drop_id(read_record(project).resources[0])
    assert _revisions(project) == {**graph, drop: (customers,)}


@pytest.mark.parametrize("extensions", [["none"], ["database", "migrations"]])
def test_the_readme_s_add_and_remove_resource_commands_work_as_written(
    tmp_path: Path, extensions: list[str]
) -> None:
    # As a shell passes them: the quotes the README puts around a field with '?' go.
    project = _project(tmp_path, extensions)
    readme = (project / "README.md").read_text()
    commands = [
        shlex.split(c) for c in re.findall(r"`(flaskforge [a-z-]+-resource [^`]+)`", readme)
    ]
    assert [c[1] for c in commands] == ["add-resource", "remove-resource"]
    before = files(project)

    for command in commands:
        result = CliRunner().invoke(cli, [*command[1:], "-C", str(project)])
        assert result.exit_code == 0, result.output
        if command[1] == "add-resource":
            assert (project / "src/shop/api/v1/orders/routes.py").is_file()
            commit_all(project, "orders")

    if "migrations" not in extensions:
        assert files(project) == before
