"""The generated ``tests/test_imports.py`` passes on what flaskforge generates, and fails on an
import cycle or an import that runs up the layers, also one inside a function.

It reads the package with ``ast`` and imports nothing, so it runs here without installing the
project (and without its ``conftest.py``, which would import the package).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.generated import Generated, bare_or_everything, generate

TEST = "tests/test_imports.py"
LATE_IMPORT = """

def _late() -> None:
    from {module} import {name}  # noqa: F401
"""


def _run_imports_test(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest", TEST],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _plant(generated: Generated, module: str, imported: str, name: str) -> None:
    path = generated.project / "src/demo" / module
    path.write_text(path.read_text() + LATE_IMPORT.format(module=imported, name=name))


@pytest.fixture(params=["bare", "everything"])
def generated(request: pytest.FixtureRequest, tmp_path: Path) -> Generated:
    return generate(tmp_path, *bare_or_everything(request.param))


def test_the_generated_package_imports_one_way(generated: Generated) -> None:
    done = _run_imports_test(generated.project)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_an_import_up_the_layers_fails_it(generated: Generated) -> None:
    # The extensions reaching for a resource of the API, inside a function.
    _plant(generated, "extensions/__init__.py", "..api.v1.items", "service")

    done = _run_imports_test(generated.project)

    assert done.returncode == 1
    assert "FAILED tests/test_imports.py::test_imports_run_down_the_layers_only" in done.stdout
    assert "demo.extensions (extensions) imports demo.api.v1.items.service (API)" in done.stdout
    assert "1 failed, 2 passed" in done.stdout


def test_an_import_cycle_fails_it(generated: Generated) -> None:
    # errors.py imports logs.py; logs.py importing errors.py, even in a function, closes a circle.
    _plant(generated, "logs.py", ".errors", "APIError")

    done = _run_imports_test(generated.project)

    assert done.returncode == 1
    assert "FAILED tests/test_imports.py::test_no_modules_import_each_other_in_a_circle" in (
        done.stdout
    )
    assert "demo.errors <-> demo.logs" in done.stdout
    assert "1 failed, 2 passed" in done.stdout
