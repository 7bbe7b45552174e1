"""The exact set of files a project gets: nothing missing, nothing extra."""

from __future__ import annotations

import pytest

from flaskforge import load_catalogue, plan_project

BARE = {
    ".devcontainer/devcontainer.json",
    ".editorconfig",
    ".env.example",
    ".flaskenv",
    ".flaskforge.toml",
    ".github/dependabot.yml",
    ".github/workflows/ci.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "Makefile",
    "README.md",
    "pyproject.toml",
    "requirements-dev.txt",
    "requirements.txt",
    "src/fs_svc/__init__.py",
    "src/fs_svc/api/__init__.py",
    "src/fs_svc/api/v1/__init__.py",
    "src/fs_svc/api/v1/items/__init__.py",
    "src/fs_svc/api/v1/items/routes.py",
    "src/fs_svc/api/v1/items/schemas.py",
    "src/fs_svc/api/v1/items/service.py",
    "src/fs_svc/api/v1/items/store.py",
    "src/fs_svc/app.py",
    "src/fs_svc/config.py",
    "src/fs_svc/errors.py",
    "src/fs_svc/extensions/__init__.py",
    "src/fs_svc/gunicorn_conf.py",
    "src/fs_svc/health.py",
    "src/fs_svc/logs.py",
    "src/fs_svc/security.py",
    "src/fs_svc/wsgi.py",
    "tests/conftest.py",
    "tests/test_app.py",
    "tests/test_config.py",
    "tests/test_errors.py",
    "tests/test_gunicorn.py",
    "tests/test_headers.py",
    "tests/test_health.py",
    "tests/test_imports.py",
    "tests/test_items.py",
    "tests/test_logs.py",
}


def _files(extensions: list[str], targets: list[str]) -> set[str]:
    plan = plan_project("fs-svc", output_dir="unused", extensions=extensions, targets=targets)
    return set(plan.files)


def _compare(actual: set[str], expected: set[str]) -> None:
    missing, extra = sorted(expected - actual), sorted(actual - expected)
    assert (missing, extra) == ([], []), f"Missing files: {missing}; extra files: {extra}"


def test_the_bare_service_has_exactly_its_files() -> None:
    _compare(_files(["none"], ["none"]), BARE)


def _own_files(kind: str, name: str) -> set[str]:
    """What a component's ``files/`` render to for the fs-svc project (not its files-with-*/)."""
    files = load_catalogue().get(kind, name).files
    rendered = set()
    for path in files.rglob("*"):
        if path.is_file():
            relative = path.relative_to(files).as_posix().removesuffix(".jinja")
            rendered.add(relative.replace("{{ package_name }}", "fs_svc"))
    return rendered


@pytest.mark.parametrize(
    ("kind", "name"),
    [("extension", c.name) for c in load_catalogue().extensions]
    + [("target", c.name) for c in load_catalogue().targets],
    ids=lambda value: value,
)
def test_a_component_adds_exactly_its_own_files(kind: str, name: str) -> None:
    # With its requirements already chosen, a component adds its own folder's files and no
    # other: shared files change, they never appear or vanish.
    catalogue = load_catalogue()
    component = catalogue.get(kind, name)
    required = list(component.requires)
    if kind == "extension":
        before = _files(required or ["none"], ["none"])
        after = _files([*required, name], ["none"])
    else:
        before = _files(["none"], required or ["none"])
        after = _files(["none"], [*required, name])
    _compare(after - before, _own_files(kind, name))
    assert before <= after
