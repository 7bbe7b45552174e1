"""The docker and kubernetes targets: what they generate is hardened and consistent.

The generated files are read with PyYAML only; the real linters run on the same projects in
``tests/e2e/test_targets.py``. Each check runs on the bare service, on everything the catalogue
offers, and on a synthetic extension that declares both backing services and every kind of
process (``tests/every_target.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flaskforge._catalogue import load_catalogue
from tests import every_target
from tests.every_target import PROCESSES, SELECTIONS, SYSTEM_PACKAGES


@pytest.fixture(scope="module", params=SELECTIONS)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project with every target, for each selection."""
    return every_target.generate(request.param, tmp_path_factory)


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
        assert container["image"] == "shop-api:0.1.0"  # a placeholder the overlays replace
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
        # Any setting reaching PostgreSQL logs in as compose's database does, whatever
        # credentials its example had, and keeps no password of its own in the file.
        compose_url = services["web"]["environment"]["DATABASE_URL"]
        reaching = [v for v in web["environment"].values() if "@postgres:5432/" in v]
        assert all(v.split("://")[1] == compose_url.split("://")[1] for v in reaching)
    if project.parent.name.startswith("synthetic"):
        # The synthetic extension's own settings point at localhost with other paths.
        assert web["environment"]["SYNTHETIC_CACHE_URL"] == "redis://redis:6379/3"
        assert web["environment"]["SYNTHETIC_DATABASE_URL"] == web["environment"]["DATABASE_URL"]
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


def _env_file(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_config_env_files_never_repeat_a_default(project: Path) -> None:
    # A default written into a ConfigMap would silently override a later change in config.py.
    defaults = {
        s.name: s.default
        for c in (load_catalogue().base, *load_catalogue().extensions, *load_catalogue().services)
        for s in c.settings
    }
    k8s = project / "deploy/k8s"
    assert _env_file(k8s / "base/config.env") == {}
    dev = _env_file(k8s / "overlays/dev/config.env")
    prod = _env_file(k8s / "overlays/prod/config.env")
    assert dev
    assert all(value != defaults[name] for name, value in dev.items()), dev
    # The one deliberate repeat, explained in the file: production whatever the default becomes.
    assert prod == {"APP_ENV": "production"}
    assert "whatever the default becomes" in (k8s / "overlays/prod/config.env").read_text()


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


def test_backing_services_run_as_their_manifests_say(project: Path) -> None:
    """Compose, the dev container and the network policy take each service from its manifest."""
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    dev = yaml.safe_load((project / ".devcontainer/compose.yaml").read_text(encoding="utf-8"))
    egress = _docs(project / "deploy/k8s/base/networkpolicy.yaml")[-1]["spec"]["egress"]
    egress_ports = {p["port"] for rule in egress for p in rule["ports"]}
    services = [s for s in load_catalogue().services if s.name in compose["services"]]
    for service in services:
        container = service.container
        assert container is not None
        run = compose["services"][service.name]
        assert run["image"] == container.image
        assert run["healthcheck"]["test"] == ["CMD", *container.healthcheck]
        assert run.get("command", []) == list(container.command)
        assert dict(line.split("=", 1) for line in container.environment) == run.get(
            "environment", {}
        )
        assert compose["services"]["web"]["environment"][container.url_setting] == container.url
        assert dev["services"]["dev"]["environment"][container.url_setting] == container.url
        assert container.port in egress_ports
        # Published on the host away from the usual port, where a developer's own server may
        # listen, and settable; the other containers reach it on the compose network.
        variable = f"{service.name.upper()}_HOST_PORT"
        published = f"127.0.0.1:${{{variable}:-{container.host_port}}}:{container.port}"
        assert run["ports"] == [published]
        assert container.host_port != container.port
    assert len(egress) == 1 + len(services)  # DNS, then one rule per backing service


def test_the_docs_say_how_the_host_reaches_each_backing_service(project: Path) -> None:
    docs = (project / "docs/deployment/docker.md").read_text(encoding="utf-8")
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    for service in load_catalogue().services:
        container = service.container
        assert container is not None
        if service.name not in compose["services"]:
            assert f"{service.name.upper()}_HOST_PORT" not in docs
            continue
        assert f"`{service.name.upper()}_HOST_PORT` (default {container.host_port})" in docs
        # The URL as typed on the host, in the table and in the command that runs against it.
        scheme = container.url.split("://")[0]
        assert f" {container.url_setting}={scheme}://" in f" {docs}".replace("\n", " ")
        assert f"@127.0.0.1:{container.host_port}/" in docs or (
            f"{scheme}://127.0.0.1:{container.host_port}/" in docs
        )
