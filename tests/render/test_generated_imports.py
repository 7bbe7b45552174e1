"""The generated ``tests/test_imports.py`` passes on what flaskforge generates, and fails on an
import cycle or an import that runs up the layers, also one inside a function.

It reads the package with ``ast`` and imports nothing, so its test functions are called here
directly, without installing the project (the generated suites run it under pytest in the
end-to-end layer); a pytest process per case would cost a second each in the inner loop.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.generated import Generated, bare_or_everything, generate

TEST = "tests/test_imports.py"
LATE_IMPORT = """

def _late() -> None:
    from {module} import {name}  # noqa: F401
"""


def _run_imports_test(project: Path) -> dict[str, str]:
    """Each test function of the project's ``tests/test_imports.py``: "passed" or its failure."""
    spec = importlib.util.spec_from_file_location("generated_test_imports", project / TEST)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outcomes = {}
    for name, function in sorted(vars(module).items()):
        if name.startswith("test_") and callable(function):
            try:
                function()
            except AssertionError as failure:
                outcomes[name] = f"failed: {failure}"
            else:
                outcomes[name] = "passed"
    return outcomes


def _plant(generated: Generated, module: str, imported: str, name: str) -> None:
    path = generated.project / "src/demo" / module
    path.write_text(path.read_text() + LATE_IMPORT.format(module=imported, name=name))


@pytest.fixture(params=["bare", "everything"])
def generated(request: pytest.FixtureRequest, tmp_path: Path) -> Generated:
    return generate(tmp_path, *bare_or_everything(request.param))


def test_the_generated_package_imports_one_way(generated: Generated) -> None:
    outcomes = _run_imports_test(generated.project)

    assert len(outcomes) == 3
    assert set(outcomes.values()) == {"passed"}, outcomes


def test_an_import_up_the_layers_fails_it(generated: Generated) -> None:
    # The extensions reaching for a resource of the API, inside a function.
    _plant(generated, "extensions/__init__.py", "..api.v1.items", "service")

    outcomes = _run_imports_test(generated.project)

    failure = outcomes.pop("test_imports_run_down_the_layers_only")
    assert "demo.extensions (extensions) imports demo.api.v1.items.service (API)" in failure
    assert set(outcomes.values()) == {"passed"}, outcomes


def test_an_import_cycle_fails_it(generated: Generated) -> None:
    # errors.py imports logs.py; logs.py importing errors.py, even in a function, closes a circle.
    _plant(generated, "logs.py", ".errors", "APIError")

    outcomes = _run_imports_test(generated.project)

    failure = outcomes.pop("test_no_modules_import_each_other_in_a_circle")
    assert "demo.errors <-> demo.logs" in failure
    assert set(outcomes.values()) == {"passed"}, outcomes
