"""Projects generated with every deployment target, for the render and end-to-end tests.

The render checks of the deployment files (``tests/render/test_targets.py``) and the real
linters (``tests/e2e/test_targets.py``) read the same three projects: the bare service,
everything the catalogue offers, and a synthetic extension that declares both backing services
and every kind of process, so the aggregation over ``services`` and ``processes`` is proven
before real extensions use it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flaskforge import create_project
from flaskforge._catalogue import Catalogue, load_catalogue, templates_root

SYNTHETIC_EXTENSION = """
name = "synthetic"
summary = "Declares every kind of service and process the targets must handle"
services = ["postgres", "redis"]

[[settings]]
name = "SYNTHETIC_DATABASE_URL"
secret = true
example = "postgresql://app:app@localhost:5432/app"
help = "Database."

[[settings]]
name = "SYNTHETIC_CACHE_URL"
default = "redis://localhost:6379/3"
help = "Cache."

[[processes]]
name = "migrate"
kind = "job"
command = ["flask", "--app", "{package}.wsgi", "db", "upgrade"]

[[processes]]
name = "worker"
kind = "worker"
command = ["python", "-m", "{package}.worker"]
healthcheck = ["python", "-m", "{package}.worker", "--ping"]

[[processes]]
name = "beat"
kind = "worker"
command = ["python", "-m", "{package}.beat"]
"""


def synthetic_catalogue(root: Path) -> Catalogue:
    shutil.copytree(templates_root(), root, ignore=shutil.ignore_patterns("__pycache__"))
    folder = root / "extensions" / "synthetic"
    (folder / "files").mkdir(parents=True)
    (folder / "manifest.toml").write_text(SYNTHETIC_EXTENSION, encoding="utf-8")
    load_catalogue.cache_clear()
    return load_catalogue(root)


SELECTIONS = ("bare", "everything", "synthetic")


#: The process (name, kind) pairs of each generated project, keyed by its path (by ``generate``).
PROCESSES: dict[Path, list[tuple[str, str]]] = {}
#: The Debian packages each generated project's components ask the image for.
SYSTEM_PACKAGES: dict[Path, list[str]] = {}


def generate(selection: str, factory: pytest.TempPathFactory) -> Path:
    """A generated project with every target, for ``selection`` (one of ``SELECTIONS``)."""
    out = factory.mktemp(selection)
    load_catalogue.cache_clear()
    if selection == "synthetic":
        catalogue = synthetic_catalogue(factory.mktemp("templates") / "t")
        extensions = ["synthetic"]
    else:
        catalogue = load_catalogue()
        everything = selection == "everything"
        extensions = [e.name for e in catalogue.extensions] if everything else ["none"]
    targets = [t.name for t in catalogue.targets]
    created = create_project(
        "shop-api",
        output_dir=out,
        extensions=extensions,
        targets=targets,
        git=False,
        catalogue=catalogue,
    )
    components = created.plan.selection.components(catalogue)
    PROCESSES[out / "shop-api"] = [(p.name, p.kind) for c in components for p in c.processes]
    SYSTEM_PACKAGES[out / "shop-api"] = sorted({p for c in components for p in c.system_packages})
    load_catalogue.cache_clear()
    return out / "shop-api"
