"""Generate a project, install it with uv, and run its own tools: the end-to-end tests' kit.

Every end-to-end module does the same few things: generate a selection, install it into a
fresh virtual environment, run a tool in it (failing with the tool's output), strip the
environment of every setting the generated service reads, and find the real PostgreSQL and
Redis to run against. They all do it here, so a fix (a setting moved to a new kind of
component, a uv option) lands once. Generating is shared with the render tests
(``tests/generated.py``) and re-exported here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest

from flaskforge import load_catalogue
from tests.generated import Generated as Generated
from tests.generated import bare_or_everything as bare_or_everything
from tests.generated import everything as everything
from tests.generated import generate as generate
from tests.helpers import uv_command

#: Long enough for the generated service's production check (32 characters at least).
SECRET_KEY = "e2e-secret-key-long-enough-for-production-0123456789"

#: Where the real services come from: setting -> (variable naming it, an example value).
REAL_SERVICES = {
    "DATABASE_URL": (
        "FLASKFORGE_TEST_DATABASE_URL",
        "postgresql://USER:PASSWORD@127.0.0.1:5432/THROWAWAY_DB",
    ),
    "REDIS_URL": ("FLASKFORGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
}

#: Run by an installed service's own Python (package ``demo``, with the database extension):
#: empties the database its DATABASE_URL names, as a deployment's database is at first.
EMPTY_DATABASE = """
import os
from sqlalchemy import MetaData, create_engine
from demo.extensions.database import database_url
engine = create_engine(database_url({"APP_ENV": "production", **os.environ}))
existing = MetaData()
existing.reflect(bind=engine)
existing.drop_all(bind=engine)
engine.dispose()
"""

# Not settings, but they change what the service's tools load: an activated virtual
# environment, a source tree on the path, a developer's own Flask app, the tests' database.
_NOT_SETTINGS_BUT_READ = (
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "FLASK_APP",
    "FLASK_DEBUG",
    "TEST_DATABASE_URL",
)


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment minus everything a generated service reads, plus ``extra``.

    Every setting of every catalogue component goes, services' included: a DATABASE_URL or
    REDIS_URL exported in a developer's shell would otherwise turn a "no services" run into a
    run against services.
    """
    catalogue = load_catalogue()
    components = (catalogue.base, *catalogue.services, *catalogue.extensions, *catalogue.targets)
    read = {s.name for component in components for s in component.settings}
    read.update(_NOT_SETTINGS_BUT_READ)
    env = {name: value for name, value in os.environ.items() if name not in read}
    env.update(extra)
    return env


def tests_env(**urls: str) -> dict[str, str]:
    """``clean_env()`` for a generated project's own tests against the real services ``urls``.

    The generated tests never use ``DATABASE_URL`` (they empty the database they use): the
    PostgreSQL database goes to them as ``TEST_DATABASE_URL``.
    """
    if "DATABASE_URL" in urls:
        urls["TEST_DATABASE_URL"] = urls.pop("DATABASE_URL")
    return clean_env(**urls)


#: What the generated tests print first when they run against ``TEST_DATABASE_URL``.
ON_TEST_DATABASE = "database: TEST_DATABASE_URL"


def run(
    *command: str | Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
) -> str:
    """Run ``command`` and return its standard output; fail the test with its output if it fails.

    Args:
        command: the program and its arguments.
        cwd: where to run it (this process's directory by default).
        env: its whole environment; ``clean_env()`` by default.
        timeout: seconds before it is killed and the test fails.
    """
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (
        f"{' '.join(str(part) for part in command)} failed ({done.returncode}):\n"
        f"{done.stdout[-8000:]}\n{done.stderr[-4000:]}"
    )
    return done.stdout


def create_venv(venv: Path) -> Path:
    """A fresh virtual environment at ``venv`` for this interpreter; returns its Python."""
    # This interpreter, so uv never picks (or downloads) another Python than the one under test.
    run(*uv_command(), "venv", "-q", "--python", sys.executable, venv)
    return venv / "bin" / "python"


def pip_install(venv: Path, *requirements: str | Path, cwd: Path | None = None) -> None:
    """Install ``requirements`` (pip's syntax) into the virtual environment at ``venv``."""
    python = venv / "bin" / "python"
    run(*uv_command(), "pip", "install", "-q", "--python", python, *requirements, cwd=cwd)


@dataclass(frozen=True)
class InstalledProject(Generated):
    """A generated project installed into a virtual environment of its own."""

    venv: Path

    @property
    def bin(self) -> Path:
        """The virtual environment's scripts: the project's tools and its Python."""
        return self.venv / "bin"

    @property
    def python(self) -> Path:
        """The virtual environment's Python."""
        return self.bin / "python"

    def run(
        self,
        tool: str,
        *args: str | Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> str:
        """Run ``tool`` from the virtual environment, in the project unless ``cwd`` is given.

        Returns its standard output; fails the test with its output if it fails. ``env`` is
        its whole environment, ``clean_env()`` by default.
        """
        return run(self.bin / tool, *args, cwd=cwd or self.project, env=env)

    def pytest(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """The project's own tests, with warnings as errors as its CI runs them; their output."""
        return self.run("pytest", "-W", "error", "-p", "no:cacheprovider", *args, env=env)


def install(
    generated: Generated, venv: Path, *, editable: bool = True, dev: bool = True
) -> InstalledProject:
    """Install ``generated`` into a fresh virtual environment at ``venv``.

    Args:
        generated: the project.
        venv: where to create the virtual environment.
        editable: an editable install, as a developer has; otherwise a copy in site-packages,
            as a deployment has (no source tree needed to run it).
        dev: with the ``dev`` extra (linters and test tools).
    """
    create_venv(venv)
    requirement = ".[dev]" if dev else "."
    pip_install(venv, *(["-e", requirement] if editable else [requirement]), cwd=generated.project)
    return InstalledProject(
        **{f.name: getattr(generated, f.name) for f in fields(Generated)}, venv=venv
    )


class ProjectCache:
    """Each selection generated once, and installed once per kind, for one test module.

    Installing takes most of an end-to-end test's time, so the tests of a module that ask for
    the same selection share one project and one virtual environment per kind of install.
    """

    def __init__(self, prefix: str) -> None:
        """Name the temporary folders ``prefix-<extensions>``."""
        self._prefix = prefix
        self._generated: dict[tuple[tuple[str, ...], tuple[str, ...]], Generated] = {}
        self._installed: dict[tuple[Generated, bool, bool], InstalledProject] = {}

    def generated(
        self,
        factory: pytest.TempPathFactory,
        extensions: Iterable[str],
        targets: Iterable[str] = ("none",),
    ) -> Generated:
        """The project generated with this selection (generated on the first call)."""
        key = (tuple(extensions), tuple(targets))
        if key not in self._generated:
            out = factory.mktemp(f"{self._prefix}-{'-'.join(key[0])}")
            self._generated[key] = generate(out, *key)
        return self._generated[key]

    def installed(
        self,
        factory: pytest.TempPathFactory,
        extensions: Iterable[str],
        targets: Iterable[str] = ("none",),
        *,
        editable: bool = True,
        dev: bool = True,
    ) -> InstalledProject:
        """That project installed as asked (installed on the first call); see ``install``."""
        generated = self.generated(factory, extensions, targets)
        key = (generated, editable, dev)
        if key not in self._installed:
            kind = ("editable" if editable else "installed") + ("-dev" if dev else "")
            venv = generated.project.parent / f".venv-{kind}"
            self._installed[key] = install(generated, venv, editable=editable, dev=dev)
        return self._installed[key]

    def fixture(self, selections: Sequence[tuple[str, ...]]) -> Any:
        """A module-scoped fixture ``installed``: each selection (no target), installed for dev.

        Assign it to ``installed`` in the test module; test ids join the extensions with "+".
        """

        @pytest.fixture(scope="module", params=selections, ids="+".join, name="installed")
        def installed(
            request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> InstalledProject:
            return self.installed(tmp_path_factory, request.param)

        return installed


def real_service_urls(*settings: str) -> dict[str, str]:
    """The real services' URLs for ``settings`` (``DATABASE_URL``, ``REDIS_URL``), by setting.

    They come from ``FLASKFORGE_TEST_DATABASE_URL`` and ``FLASKFORGE_TEST_REDIS_URL``. When one
    is unset, the test fails in CI (which must provide them) and is skipped with a reason
    elsewhere. The PostgreSQL database given is emptied by the tests that use it.
    """
    urls = {setting: os.environ.get(REAL_SERVICES[setting][0], "") for setting in settings}
    missing = [REAL_SERVICES[setting] for setting, url in urls.items() if not url]
    if missing:
        unset = ", ".join(variable for variable, _ in missing)
        how = " and ".join(f"{variable}={example}" for variable, example in missing)
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide the real services ({unset} unset): set {how}")
        pytest.skip(f"{unset} unset: set {how} to run against the real services")
    return urls


def ruff_check_passes(installed: InstalledProject) -> None:
    """The project passes its own ``ruff check``."""
    installed.run("ruff", "check", ".")


def ruff_format_check_passes(installed: InstalledProject) -> None:
    """The project passes its own ``ruff format --check``."""
    installed.run("ruff", "format", "--check", ".")


def assert_each_extension_tested(installed: InstalledProject, output: str) -> None:
    """Each extension brings its own tests, and ``output`` (pytest's, with ``-rA``) ran them."""
    for name in installed.extensions:
        assert f"PASSED tests/test_{name}.py::" in output


def own_tests_pass_without_services(installed: InstalledProject) -> None:
    """The project's own tests pass with no backing service, each extension's among them."""
    output = installed.pytest("-rA")
    assert_each_extension_tested(installed, output)
