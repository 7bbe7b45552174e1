"""A generated project with the user's edits in each kind of file, for the lifecycle tests.

``tests/lifecycle/test_user_edits.py`` checks that add-extension keeps the edits;
``tests/e2e/test_user_edits.py`` that the edited and grown project still passes its own checks.
"""

from __future__ import annotations

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
