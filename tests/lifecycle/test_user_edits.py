"""add-extension keeps every line the user wrote, in each kind of generated file.

That the edited and grown project still passes its checks: ``tests/e2e/test_user_edits.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import create_project, load_catalogue
from flaskforge._grow import add_extensions
from flaskforge.cli import cli
from tests import user_edits
from tests.user_edits import ADDED, EDITS, PACKAGE, git


@pytest.fixture
def edited_project(tmp_path: Path) -> Path:
    return user_edits.edited_project(tmp_path)


def test_edits_in_every_kind_of_file_survive(edited_project: Path) -> None:
    result = add_extensions(ADDED, project=edited_project)
    assert result.conflicts == ()
    for kind, (path, _, text) in EDITS.items():
        assert text in (edited_project / path).read_text(), f"the {kind} edit was lost"
    merged = {c.path for c in result.changes if c.outcome.value == "merged"}
    assert "pyproject.toml" in merged  # the dependencies changed beside the user's edit
    pyproject = (edited_project / "pyproject.toml").read_text()
    for name in ADDED:
        for requirement in load_catalogue().get("extension", name).dependencies:
            assert f'"{requirement}"' in pyproject


_BIND_DOC = '    """Bind every extension to ``app``, each after the extensions it uses."""\n'


def test_conflicting_edits_are_marked_and_reported(tmp_path: Path, monkeypatch) -> None:
    create_project("edit-svc", output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / "edit-svc"
    init = project / f"src/{PACKAGE}/extensions/__init__.py"
    # Not where the file says to bind one's own extensions: just where flaskforge adds its own.
    init.write_text(init.read_text().replace(_BIND_DOC, _BIND_DOC + "    audit.init_app(app)\n"))
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nOur notes stay.\n")
    git(project, "commit", "-qam", "our edits")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["add-extension", ADDED[0]])
    assert result.exit_code == 1
    assert f"  conflict  src/{PACKAGE}/extensions/__init__.py" in result.stdout
    assert f"Error: Conflicts in src/{PACKAGE}/extensions/__init__.py" in result.stderr
    text = init.read_text()
    assert "<<<<<<< yours\n    audit.init_app(app)\n=======\n" in text
    assert ">>>>>>> flaskforge\n" in text
    # The rest was applied, and the non-conflicting edit kept.
    assert "Our notes stay.\n" in readme.read_text()
    assert (project / f"src/{PACKAGE}/extensions/{ADDED[0]}.py").exists()


def test_own_extensions_and_resources_in_the_documented_places_merge(tmp_path: Path) -> None:
    create_project("edit-svc", output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / "edit-svc"
    package = project / "src" / PACKAGE
    documented = {
        package / "extensions/__init__.py": (
            ("# Your own extensions: import them below this line.\n", "from . import audit\n"),
            (
                "    # Your own extensions: bind them below this line.\n",
                "    audit.init_app(app)\n",
            ),
        ),
        package / "api/v1/__init__.py": (
            (
                "# Your resources: import their blueprints below this line.\n",
                "from .orders.routes import bp as orders_bp\n",
            ),
            (
                "# Your resources: register their blueprints below this line.\n",
                "bp.register_blueprint(orders_bp)\n",
            ),
        ),
    }
    for path, edits in documented.items():
        for anchor, line in edits:
            user_edits.apply_edit(project, str(path.relative_to(project)), anchor, line)
    git(project, "commit", "-qam", "our extension and resource")

    everything = [c.name for c in load_catalogue().extensions]
    result = add_extensions(everything, project=project)

    assert result.conflicts == ()
    for path, edits in documented.items():
        text = path.read_text()
        for anchor, line in edits:
            assert anchor + line in text, f"{line!r} moved or vanished in {path.name}"
