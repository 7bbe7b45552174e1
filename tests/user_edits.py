"""A generated project with the user's edits in each kind of file, for the lifecycle tests.

``tests/lifecycle/test_user_edits.py`` checks that add-extension keeps the edits;
``tests/e2e/test_user_edits.py`` that the edited and grown project still passes its own checks.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from flaskforge import create_project, load_catalogue

PACKAGE = "edit_svc"
# One edit per kind of file the issue names; each is (path, text to find, text to put after it).
EDITS = {
    "app factory": (
        f"src/{PACKAGE}/app.py",
        "    api.init_app(app)\n",
        '    app.config["EDITED_BY_USER"] = True\n',
    ),
    "config": (f"src/{PACKAGE}/config.py", "", "# Our team's note: settings are reviewed.\n"),
    "pyproject": ("pyproject.toml", None, "\n[tool.coverage.run]\nbranch = true\n"),
    "compose": ("compose.yaml", "", "# Local development only.\n"),
    "kubernetes": ("deploy/k8s/base/kustomization.yaml", "", "# Owned by the platform team.\n"),
    "readme": ("README.md", None, "\n## Our runbook\n\nPage the on-call engineer.\n"),
    "example resource": (
        f"src/{PACKAGE}/api/v1/items/service.py",
        None,
        '\n\ndef user_helper() -> str:\n    """Added by the user."""\n    return "mine"\n',
    ),
}
ADDED = [
    n
    for n in ("database", "ratelimit", "metrics", "caching")
    if n in {c.name for c in load_catalogue().extensions}
]


def git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout


def apply_edit(project: Path, path: str, anchor: str | None, text: str) -> None:
    file = project / path
    content = file.read_text()
    if anchor is None:
        content += text  # at the end
    elif anchor == "":
        content = text + content  # at the top
    else:
        assert anchor in content, f"{path} no longer contains {anchor!r}"
        content = content.replace(anchor, anchor + text, 1)
    file.write_text(content)


def edited_project(tmp_path: Path) -> Path:
    """A project (docker and kubernetes, no extension) below ``tmp_path``, edits committed."""
    create_project(
        "edit-svc", output_dir=tmp_path, extensions=["none"], targets=["docker", "kubernetes"]
    )
    project = tmp_path / "edit-svc"
    for path, anchor, text in EDITS.values():
        apply_edit(project, path, anchor, text)
    git(project, "commit", "-qam", "our edits")
    return project


# The owner's code where the generated docs say to put it: a route on the items blueprint, a
# resource of their own nested in api/v1, a setting of their own and a CLI command. Each entry
# of OWNER_EDITS is (path below the package, text to find, text to put after it); OWNER_FILES are
# new files below the package.
OWNER_ROUTE = '''

@bp.get("/count")
def count_items() -> dict[str, int]:
    """How many items there are (added by the service's owner)."""
    return {"count": 3}
'''
OWNER_SETTING = '    Setting(name="REPORTS_LIMIT", default="7", type="int"),\n'
OWNER_EDITS = (
    ("api/v1/items/routes.py", None, OWNER_ROUTE),
    (
        "api/v1/__init__.py",
        "# Your resources: import their blueprints below this line.\n",
        "from .reports.routes import bp as reports_bp\n",
    ),
    (
        "api/v1/__init__.py",
        "# Your resources: register their blueprints below this line.\n",
        "bp.register_blueprint(reports_bp)\n",
    ),
    (
        "config.py",
        '    # Setting(name="ORDERS_PAGE_SIZE", default="50", type="int"),\n',
        OWNER_SETTING,
    ),
    (
        "app.py",
        "from . import api, extensions, health, logs, security\n",
        "from .commands import reports_limit\n",
    ),
    (
        "app.py",
        "    # app.cli.add_command(commands.import_items).\n",
        "    app.cli.add_command(reports_limit)\n",
    ),
)
OWNER_FILES = {
    "api/v1/reports/__init__.py": '"""The owner\'s own resource."""\n',
    "api/v1/reports/routes.py": '''"""Reports: a plain Flask blueprint of the owner's."""

from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("")
def list_reports() -> dict[str, int]:
    """The reports' limit, from the owner's setting."""
    return {"limit": current_app.config["REPORTS_LIMIT"]}
''',
    "commands.py": '''"""The owner's own commands."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("reports-limit")
@with_appcontext
def reports_limit() -> None:
    """Print REPORTS_LIMIT."""
    click.echo(current_app.config["REPORTS_LIMIT"])
''',
}


def owned_project(tmp_path: Path, name: str) -> Path:
    """A project named ``name`` (no extension, no target) with the owner's code, committed."""
    create_project(name, output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / name
    package = project / "src" / name.replace("-", "_")
    for path, text in OWNER_FILES.items():
        (package / path).parent.mkdir(parents=True, exist_ok=True)
        (package / path).write_text(text)
    for path, anchor, text in OWNER_EDITS:
        apply_edit(package, path, anchor, text)
    git(project, "add", "-A")
    git(project, "commit", "-qm", "the owner's route, resource, setting and command")
    return project


# An owner's route and command on the items blueprint, for the end-to-end tests that install the
# grown or updated service and call them (``/owner-count`` answers {"count": 42}; the command
# ``<blueprint> owner-hello`` prints "hello from the owner").
_OWNER_ROUTE_AND_COMMAND = '''

@{blueprint}.get("/owner-count")
def owner_count() -> dict[str, int]:
    """Added by the service's owner."""
    return {{"count": 42}}


@{blueprint}.cli.command("owner-hello")
def owner_hello() -> None:
    """A command of the owner's own."""
    print("hello from the owner")
'''


def add_owner_route_and_command(routes: Path) -> str:
    """Append the owner's route and command to the blueprint of ``routes``; its name."""
    found = re.search(r"^(\w+) = Blueprint\(\"(\w+)\"", routes.read_text(), re.M)
    assert found, f"{routes.name} no longer defines its blueprint at the top level"
    routes.write_text(routes.read_text() + _OWNER_ROUTE_AND_COMMAND.format(blueprint=found[1]))
    return found[2]
