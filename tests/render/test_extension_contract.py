"""The plain extension contract, read off generated packages.

Each extension is a module of ``extensions/`` with an ``init_app(app)``, and
``extensions/__init__.py`` imports the chosen ones by name and calls their ``init_app`` in
dependency order: no registry, no import by string, no run-time test of what is enabled. What
each extension does is checked by the generated project's own tests (``tests/e2e``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flaskforge import load_catalogue, plan_project
from flaskforge._context import template_context
from flaskforge._naming import parse_project_name
from flaskforge._project import ProjectPlan
from flaskforge._selection import resolve_selection
from tests.generated import everything
from tests.helpers import extension, make_catalogue

# Names a reader of the old generated service had to decode; none may come back.
_MACHINERY = ("importlib", "__import__", "ENABLED", "ServiceApp", "bind_on_first_context")


def _selections() -> list[tuple[str, list[str]]]:
    """Everything, and each extension that renders otherwise without the others (files-with-)."""
    alone = [c.name for c in load_catalogue().extensions if c.files_with]
    return [("everything", everything()[0])] + [(name, [name]) for name in alone]


@pytest.fixture(scope="module", params=_selections(), ids=lambda s: s[0])
def plan(request: pytest.FixtureRequest) -> ProjectPlan:
    return plan_project("demo", output_dir="unused", extensions=request.param[1], targets=["none"])


def _text(plan: ProjectPlan, path: str) -> str:
    return plan.files[path].content.decode()


def _binding(plan: ProjectPlan) -> tuple[list[str], list[str]]:
    """The modules ``extensions/__init__.py`` imports, and whose ``init_app`` it calls, in order."""
    tree = ast.parse(_text(plan, "src/demo/extensions/__init__.py"))
    imported = [
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None
        for alias in node.names
    ]
    init_app = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "init_app")
    called = [
        call.func.value.id
        for statement in init_app.body
        if isinstance(statement, ast.Expr)
        and isinstance(call := statement.value, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.attr == "init_app"
    ]
    return imported, called


def test_each_chosen_extension_is_imported_and_bound_after_what_it_requires(
    plan: ProjectPlan,
) -> None:
    catalogue = load_catalogue()
    enabled = list(plan.selection.extensions)
    imported, called = _binding(plan)

    assert sorted(imported) == sorted(enabled)
    assert sorted(called) == sorted(enabled)
    for name in enabled:
        module = f"src/demo/extensions/{name}.py"
        assert "\ndef init_app(app: Flask) -> None:\n" in _text(plan, module), module
        for required in catalogue.get("extension", name).requires:
            assert called.index(required) < called.index(name), (required, name)


def test_nothing_is_found_by_name_at_run_time(plan: ProjectPlan) -> None:
    for path in sorted(p for p in plan.files if p.startswith("src/") and p.endswith(".py")):
        nodes = list(ast.walk(ast.parse(_text(plan, path))))
        names = {n.id for n in nodes if isinstance(n, ast.Name)}
        names |= {n.attr for n in nodes if isinstance(n, ast.Attribute)}
        names |= {n.name for n in nodes if isinstance(n, ast.ClassDef)}
        names |= {
            a.name for n in nodes if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names
        }
        names |= {n.module for n in nodes if isinstance(n, ast.ImportFrom) and n.module}
        found = sorted(names & set(_MACHINERY))
        assert not found, f"{path}: {found}"


def test_an_extension_is_bound_after_one_it_requires_whatever_their_names(
    tmp_path: Path,
) -> None:
    # Alphabetical order would bind "alpha" first; it uses "zulu", so "zulu" comes first.
    catalogue = make_catalogue(
        tmp_path,
        {
            "extensions/alpha/manifest.toml": extension("alpha", requires=["zulu"]),
            "extensions/zulu/manifest.toml": extension("zulu"),
            "extensions/beta/manifest.toml": extension("beta"),
        },
    )
    selection = resolve_selection(catalogue, extensions=["alpha", "beta"], targets=["none"])
    context = template_context(catalogue, parse_project_name("svc"), "", selection, "0")
    assert context["init_order"] == ["zulu", "alpha", "beta"]


def test_app_extensions_holds_each_extension_s_own_state_only(plan: ProjectPlan) -> None:
    # Flask's convention: an extension keeps its state under its own key. A key read in one
    # module and written in another would be a service locator; a typed function of the module
    # that owns the state (``jwt.accounts()``, ``register_readiness_check``) is the seam instead.
    written_by_libraries = {"migrate"}  # Flask-Migrate's own key, read by Alembic's env.py
    for path in sorted(p for p in plan.files if p.startswith("src/") and p.endswith(".py")):
        subscripts = [
            node
            for node in ast.walk(ast.parse(_text(plan, path)))
            if isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "extensions"
            and isinstance(node.slice, ast.Constant)
        ]
        stored = {n.slice.value for n in subscripts if isinstance(n.ctx, ast.Store)}
        read = {n.slice.value for n in subscripts if isinstance(n.ctx, ast.Load)}
        owner = path.removesuffix(".py").rsplit("/", 1)[-1]
        read_elsewhere = read - stored - written_by_libraries - {owner}
        assert not read_elsewhere, f"{path} reads another module's state: {read_elsewhere}"
