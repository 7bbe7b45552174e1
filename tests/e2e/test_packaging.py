"""The wheel carries the templates, and an installed flaskforge renders from them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from flaskforge import create_project
from flaskforge._catalogue import templates_root
from tests import e2e
from tests.helpers import uv_command

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    e2e.run(*uv_command(), "build", "--wheel", "--out-dir", out, REPO)
    (built,) = out.glob("flaskforge_generator-*.whl")
    return built


def test_the_wheel_ships_every_template(wheel: Path) -> None:
    shipped = {
        name.removeprefix("flaskforge/templates/")
        for name in zipfile.ZipFile(wheel).namelist()
        if name.startswith("flaskforge/templates/")
    }
    in_checkout = {
        p.relative_to(templates_root()).as_posix()
        for p in templates_root().rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert shipped == in_checkout


def test_an_installed_wheel_generates_the_same_project(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    e2e.create_venv(venv)
    e2e.pip_install(venv, wheel)
    version = e2e.run(venv / "bin/flaskforge", "--version")
    assert version.startswith("flaskforge, version ")
    e2e.run(venv / "bin/flaskforge", "new", "svc", "--defaults", "--no-git", "-o", tmp_path / "a")
    create_project("svc", output_dir=tmp_path / "b", git=False)

    def tree(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert tree(tmp_path / "a/svc") == tree(tmp_path / "b/svc")
