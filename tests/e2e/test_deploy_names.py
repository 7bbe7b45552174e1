"""Every deployment name survives kustomize: each overlay, rendered for odd project names,
follows Kubernetes' naming rules (the rules and the names: ``tests/deploy_names.py``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from flaskforge import create_project
from flaskforge._naming import dns_label
from tests.deploy_names import ODD_NAMES, check_manifest
from tests.generated import everything


@pytest.mark.parametrize("name", ODD_NAMES)
def test_every_rendered_overlay_name_is_valid(name: str, tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is required"
    extensions, targets = everything()
    create_project(name, output_dir=tmp_path, extensions=extensions, targets=targets, git=False)
    namespace = dns_label(name)
    for overlay in ("dev", "prod"):
        folder = tmp_path / name / "deploy/k8s/overlays" / overlay
        shutil.copy(folder / "secrets.env.example", folder / "secrets.env")
        done = subprocess.run(
            [kubectl, "kustomize", str(folder)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        docs = [d for d in yaml.safe_load_all(done.stdout) if d]
        assert {d["kind"] for d in docs} >= {"Namespace", "Deployment", "Job", "ConfigMap"}
        for doc in docs:
            check_manifest(doc, namespace)
