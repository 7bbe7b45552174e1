"""The openapi extension generates projects that lint and pass, alone and beside the others.

Each selection is generated, installed with uv into a fresh virtual environment and checked
with the project's own ``ruff check``, ``ruff format --check`` and ``pytest -W error``; the
project's tests validate the document, the 422s and Swagger UI, and run schemathesis against
the document in-process. jwt joins the matrix when the catalogue has it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from flaskforge import create_project, load_catalogue
from tests.helpers import uv_command

pytestmark = pytest.mark.e2e

_NAMES = {extension.name for extension in load_catalogue().extensions}
SELECTIONS = [
    ("openapi",),
    ("database", "migrations", "openapi"),
    ("caching", "openapi", "ratelimit"),
    *([("jwt", "openapi")] if "jwt" in _NAMES else []),
]


def _clean_env() -> dict[str, str]:
    """This environment minus every setting a generated service reads (no stray service URL)."""
    catalogue = load_catalogue()
    settings = {
        s.name
        for component in (catalogue.base, *catalogue.services, *catalogue.extensions)
        for s in component.settings
    }
    return {k: v for k, v in os.environ.items() if k not in settings and k != "VIRTUAL_ENV"}


def _run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-6000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module", params=SELECTIONS, ids="+".join)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("openapi-" + "-".join(request.param))
    create_project(
        "demo", output_dir=out, extensions=list(request.param), targets=["none"], git=False
    )
    project = out / "demo"
    venv = out / ".venv"
    uv = uv_command()
    _run(*uv, "venv", "-q", venv, cwd=project)
    _run(
        *uv,
        "pip",
        "install",
        "-q",
        "--python",
        venv / "bin" / "python",
        "-e",
        ".[dev]",
        cwd=project,
    )
    return project


def _tool(project: Path, name: str) -> Path:
    return project.parent / ".venv" / "bin" / name


def test_ruff_check_passes(project: Path) -> None:
    _run(_tool(project, "ruff"), "check", ".", cwd=project)


def test_ruff_format_check_passes(project: Path) -> None:
    _run(_tool(project, "ruff"), "format", "--check", ".", cwd=project)


def test_own_tests_pass_including_the_document_checks(project: Path) -> None:
    output = _run(
        _tool(project, "pytest"), "-W", "error", "-p", "no:cacheprovider", "-rA", cwd=project
    )

    assert "PASSED tests/test_openapi.py::test_the_document_is_valid_openapi_3" in output
    # schemathesis ran one test per documented operation, and none failed: the six item
    # operations, plus those of extensions that document their own routes.
    selection = project.parent.name  # "openapi-<names>N", made by the fixture
    operations = 6 + 5 * ("jwt" in selection) + 2 * ("celery" in selection)
    passed = "PASSED tests/test_openapi.py::test_the_service_honours_its_document"
    assert output.count(passed) == operations
    # The base's item tests still hold with the documented routes in place.
    assert "PASSED tests/test_items.py::" in output
