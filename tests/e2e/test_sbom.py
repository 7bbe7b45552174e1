"""The container workflow's SBOM step, run as written on an image really built (issue 17 point 6).

For three selections with the docker target (no extension, the default, everything), the
generated Dockerfile is built with podman (prepared by ``tests/infra/podman_setup.sh``; set
``FF_BASE_IMAGE``), the project's own ``make install`` installs its locked dev tools, and the
``run:`` script of the workflow's SBOM step is executed unchanged by bash, with ``docker`` on
its PATH meaning podman. The SBOM it writes must validate against the CycloneDX schema of its
``specVersion`` (cyclonedx-python-lib's strict JSON validator), list Flask at its locked version,
and list exactly the Python distributions the image holds: the locked ones and the service.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from flaskforge import create_project
from flaskforge._lock import normalize, parse_lock
from tests import e2e

BASE_IMAGE = os.environ.get("FF_BASE_IMAGE", "docker.io/library/python:3.12-slim-bookworm")

SELECTIONS: dict[str, tuple[list[str] | None, list[str] | None]] = {
    "no-extension": (["none"], ["docker"]),
    "default": (None, None),
    "everything": e2e.everything(),
}

#: Run by the image's Python: every distribution of its /opt/venv, by normalised name.
LIST_DISTRIBUTIONS = (
    "import importlib.metadata as m, json, re; print(json.dumps({re.sub(r'[-_.]+', '-',"
    " d.metadata['Name']).lower(): d.version for d in m.distributions()}))"
)


@dataclass(frozen=True)
class Sbom:
    selection: str
    project: Path
    image: str
    text: str
    installed: dict[str, str]

    @property
    def document(self) -> dict:
        return json.loads(self.text)


def _podman() -> str:
    podman = shutil.which("podman")
    assert podman, "podman is required: run tests/infra/podman_setup.sh as root first"
    present = subprocess.run([podman, "image", "exists", BASE_IMAGE], check=False)
    assert present.returncode == 0, f"{BASE_IMAGE} is missing: run tests/infra/podman_setup.sh"
    return podman


def _step(project: Path, name: str) -> str:
    workflow = yaml.safe_load((project / ".github/workflows/container.yml").read_text("utf-8"))
    (step,) = [s for s in workflow["jobs"]["image"]["steps"] if s.get("name") == name]
    return step["run"]


@pytest.fixture(scope="module", params=sorted(SELECTIONS))
def sbom(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Sbom]:
    podman = _podman()
    extensions, targets = SELECTIONS[request.param]
    out = tmp_path_factory.mktemp(f"sbom-{request.param}")
    name = f"sbom-{request.param}-{os.getpid()}"
    create_project(name, output_dir=out, extensions=extensions, targets=targets, git=False)
    project = out / name
    image = f"localhost/{name}:ci"  # the workflow's tag, {deploy_name}:ci, as podman stores it
    build = [podman, "build", "--pull=never", "--format", "docker", "-t", image, str(project)]
    e2e.run(*build, env=dict(os.environ), timeout=1200)
    try:
        e2e.run("make", f"PYTHON={sys.executable}", "install", cwd=project)
        shims = out / "shims"
        shims.mkdir()
        (shims / "docker").write_text(f'#!/bin/sh\nexec {podman} "$@"\n')
        (shims / "docker").chmod(0o755)
        script = _step(project, "SBOM of the image's Python packages (CycloneDX JSON)")
        env = e2e.clean_env(PATH=f"{shims}{os.pathsep}{os.environ['PATH']}")
        e2e.run("bash", "-euo", "pipefail", "-c", script, cwd=project, env=env, timeout=600)
        listed = e2e.run(
            podman, "run", "--rm", image, "/opt/venv/bin/python", "-c", LIST_DISTRIBUTIONS
        )
        text = (project / "sbom.cdx.json").read_text("utf-8")
        yield Sbom(request.param, project, image, text, json.loads(listed))
    finally:
        subprocess.run([podman, "rmi", "-f", image], capture_output=True, check=False)


def test_the_sbom_is_valid_cyclonedx(sbom: Sbom) -> None:
    version = SchemaVersion.from_version(sbom.document["specVersion"])

    errors = JsonStrictValidator(version).validate_str(sbom.text)

    assert errors is None, errors
    assert sbom.document["bomFormat"] == "CycloneDX"
    print(f"\n[{sbom.selection}] CycloneDX {version.to_version()}: valid")


def test_the_sbom_lists_flask_at_its_locked_version(sbom: Sbom) -> None:
    lock = parse_lock((sbom.project / "requirements.txt").read_text("utf-8"))
    (flask,) = lock.versions("flask")

    components = {c["name"]: c for c in sbom.document["components"]}

    assert components["Flask"]["version"] == flask
    assert components["Flask"]["purl"] == f"pkg:pypi/flask@{flask}"


def test_the_sbom_lists_exactly_the_images_python_packages(sbom: Sbom) -> None:
    listed = {normalize(c["name"]): c["version"] for c in sbom.document["components"]}
    lock = parse_lock((sbom.project / "requirements.txt").read_text("utf-8"))
    locked = {(e.name, e.version) for e in lock.entries}

    assert listed == sbom.installed
    # What the image holds is the lock (under the image's Python's markers) and the service.
    service = normalize(sbom.project.name)
    assert set(sbom.installed.items()) - locked == {(service, "0.1.0")}
    assert not re.search(r'"timestamp"|"serialNumber"', sbom.text)  # reproducible output
    print(f"\n[{sbom.selection}] SBOM lists {len(listed)} packages, Flask among them")
