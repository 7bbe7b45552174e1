"""The deployment settings a project was made with stay through add-extension and remove-extension.

``new --image-registry/--kubernetes-namespace`` (or an answers file) records them in
``.flaskforge.toml``; every later render reads them from there, so growing or shrinking the
project keeps them, and the result equals ``new`` with the same settings and the new selection.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from flaskforge import add_extensions, create_project, remove_extensions
from tests.lifecycle_kit import commit_all, files

SETTINGS = {"image_registry": "ghcr.io/acme", "kubernetes_namespace": "payments"}


def _new(out: Path, extensions: list[str]) -> Path:
    create_project(
        "orders", output_dir=out, extensions=extensions, targets=["kubernetes"], **SETTINGS
    )
    return out / "orders"


def test_add_and_remove_extension_keep_the_registry_and_namespace(tmp_path: Path) -> None:
    project = _new(tmp_path / "grown", ["cors"])

    add_extensions(["caching"], project=project)

    record = tomllib.loads((project / ".flaskforge.toml").read_text("utf-8"))
    assert {key: record[key] for key in SETTINGS} == SETTINGS
    assert files(project) == files(_new(tmp_path / "direct", ["cors", "caching"]))
    overlay = (project / "deploy/k8s/overlays/prod/kustomization.yaml").read_text("utf-8")
    assert "namespace: payments\n" in overlay
    assert "newName: ghcr.io/acme/orders\n" in overlay

    commit_all(project, "Add caching")
    remove_extensions(["caching"], project=project)

    assert files(project) == files(_new(tmp_path / "again", ["cors"]))
