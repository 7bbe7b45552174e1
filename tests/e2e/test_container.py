"""The generated Dockerfile really builds, and the image and the Kubernetes Deployment really run.

Uses a real Docker engine when one answers; otherwise podman, prepared by
``tests/infra/podman_setup.sh`` (run it first, as root: it installs podman and builds a local
stand-in for the Python base image, since no registry is reachable here). The Deployment is run
with ``podman kube play``, which enforces its security context, so that part always needs podman.

Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from flaskforge import create_project
from flaskforge._catalogue import load_catalogue

BASE_IMAGE = os.environ.get("FF_BASE_IMAGE", "docker.io/library/python:3.12-slim-bookworm")
#: Megabytes an image may add on top of its base image.
SIZE_BUDGET_MB = {"bare": 40, "everything": 90}


def _engine() -> list[str]:
    docker = shutil.which("docker")
    if docker:
        info = subprocess.run([docker, "info"], capture_output=True, text=True, check=False)
        if info.returncode == 0 and "podman" not in info.stdout.lower():
            return [docker]
    return [_podman()]


def _podman() -> str:
    podman = shutil.which("podman")
    assert podman, "podman is required: run tests/infra/podman_setup.sh as root first"
    return podman


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    """GET ``url``, retrying while the server starts, until ``deadline`` (monotonic)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


#: Secret URLs the service parses at start-up: point them at a closed loopback port. /livez must
#: answer without them; /readyz may not.
UNREACHABLE_URLS = {
    "DATABASE": "postgresql://app:app@127.0.0.1:9/app",
    "REDIS": "redis://127.0.0.1:9/0",
}


def _secret_values(settings: list[tuple[str, str]]) -> dict[str, str]:
    """A value for each secret setting: its example, an unreachable URL, or a random token."""
    values = {}
    for name, example in settings:
        urls = [u for key, u in UNREACHABLE_URLS.items() if name.endswith("_URL") and key in name]
        values[name] = example or (urls[0] if urls else secrets.token_hex(32))
    return values


@dataclass(frozen=True)
class Built:
    selection: str
    project: Path
    image: str
    engine: list[str]
    secrets: dict[str, str]


@pytest.fixture(scope="module", params=sorted(SIZE_BUDGET_MB))
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    """The generated project of each selection, with its image built from its Dockerfile."""
    engine = _engine()
    if engine[0].endswith("podman"):
        present = _run([*engine, "image", "exists", BASE_IMAGE])
        assert present.returncode == 0, f"{BASE_IMAGE} is missing: run tests/infra/podman_setup.sh"
    load_catalogue.cache_clear()
    catalogue = load_catalogue()
    everything = request.param == "everything"
    out = tmp_path_factory.mktemp(f"container-{request.param}")
    created = create_project(
        "shop-api",
        output_dir=out,
        extensions=[e.name for e in catalogue.extensions] if everything else ["none"],
        targets=[t.name for t in catalogue.targets],
        git=False,
    )
    components = created.plan.selection.components(catalogue)
    secret_settings = [(s.name, s.example) for c in components for s in c.settings if s.secret]
    project = out / "shop-api"
    image = f"localhost/flaskforge-test-{request.param}:{os.getpid()}"
    pull = ["--pull=never"] if engine[0].endswith("podman") else []
    started = time.monotonic()
    result = _run([*engine, "build", *pull, "--format", "docker", "-t", image, str(project)])
    if result.returncode != 0 and "--format" in result.stderr:
        result = _run([*engine, "build", *pull, "-t", image, str(project)])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"\n[{request.param}] image built in {time.monotonic() - started:.0f} s")
    yield Built(request.param, project, image, engine, _secret_values(secret_settings))
    _run([*engine, "rmi", "-f", image])


def _size(engine: list[str], image: str) -> int:
    result = _run([*engine, "image", "inspect", image, "--format", "{{.Size}}"])
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


def test_image_size_is_within_budget(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    added = (_size(built.engine, built.image) - _size(built.engine, BASE_IMAGE)) / 1e6
    with capsys.disabled():
        print(f"\n[{built.selection}] image adds {added:.1f} MB on top of {BASE_IMAGE}")
    assert added <= SIZE_BUDGET_MB[built.selection]


def test_container_runs_as_non_root_and_answers_livez(built: Built) -> None:
    port = _free_port()
    name = f"flaskforge-test-{built.selection}-{os.getpid()}"
    env = [f"--env={k}={v}" for k, v in sorted({"APP_ENV": "production", **built.secrets}.items())]
    run = _run(
        [
            *built.engine,
            "run",
            "--detach",
            "--name",
            name,
            "--publish",
            f"127.0.0.1:{port}:8000",
            # As strict as the Kubernetes Deployment: nothing writable but /tmp, no capabilities.
            "--read-only",
            "--tmpfs",
            "/tmp",
            "--cap-drop",
            "ALL",
            *env,
            built.image,
        ]
    )
    assert run.returncode == 0, run.stderr
    try:
        try:
            status, body = _get(f"http://127.0.0.1:{port}/livez", time.monotonic() + 60)
        except urllib.error.URLError:
            logs = _run([*built.engine, "logs", name])
            pytest.fail(f"no answer on /livez; container logs:\n{logs.stdout}{logs.stderr}")
        assert status == 200
        assert json.loads(body)
        uid = _run([*built.engine, "exec", name, "id", "-u"])
        assert uid.stdout.strip() == "10001"
        # The image's own HEALTHCHECK command succeeds against the running server.
        if built.engine[0].endswith("podman"):
            health = _run([*built.engine, "healthcheck", "run", name])
            assert health.returncode == 0, health.stdout + health.stderr
        # Nothing of the source tree or the build tools shipped.
        files = _run([*built.engine, "exec", name, "sh", "-c", "ls /build /opt/venv/bin/pip"])
        assert files.returncode != 0, files.stdout
    finally:
        _run([*built.engine, "rm", "--force", name])


def test_postgres_driver_loads_the_images_own_libpq(built: Built) -> None:
    # psycopg ships without a libpq of its own at run time: the image's Debian libpq5, which
    # the runtime stage installs only for a selection that talks to PostgreSQL, is the one used.
    probe = (
        "import ctypes.util, importlib.util\n"
        "print(ctypes.util.find_library('pq'))\n"
        "if importlib.util.find_spec('psycopg'):\n"
        "    import psycopg\n"
        "    print(psycopg.pq.__impl__, psycopg.pq.version() // 10000)\n"
    )
    result = _run([*built.engine, "run", "--rm", built.image, "python", "-c", probe])
    assert result.returncode == 0, result.stdout + result.stderr
    if built.selection == "bare":
        assert result.stdout.split() == ["None"]
    else:
        library, implementation, major = result.stdout.split()
        assert library == "libpq.so.5"
        assert implementation == "python"
        assert int(major) >= 15  # bookworm's libpq


def _render_dev_overlay(project: Path, values: dict[str, str]) -> list[dict[str, Any]]:
    folder = project / "deploy/k8s/overlays/dev"
    lines = [f"{name}={value}" for name, value in sorted(values.items())]
    (folder / "secrets.env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl (with its built-in kustomize) is required"
    result = _run([kubectl, "kustomize", str(folder)])
    assert result.returncode == 0, result.stderr
    return [d for d in yaml.safe_load_all(result.stdout) if d]


def test_deployment_runs_under_its_security_context(built: Built, tmp_path: Path) -> None:
    podman = _podman()
    docs = _render_dev_overlay(built.project, built.secrets)
    by_kind = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    deployment = by_kind[("Deployment", "shop-api")]
    (config_map,) = [d for d in docs if d["kind"] == "ConfigMap"]
    (secret,) = [d for d in docs if d["kind"] == "Secret"]
    port = _free_port()
    # The only changes for a local run: the locally built image, and a loopback-only host port.
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    container["image"] = built.image
    container["imagePullPolicy"] = "Never"
    container["ports"][0].update(hostIP="127.0.0.1", hostPort=port)
    (tmp_path / "deployment.yaml").write_text(yaml.safe_dump(deployment), encoding="utf-8")
    (tmp_path / "configmap.yaml").write_text(yaml.safe_dump(config_map), encoding="utf-8")
    # podman resolves envFrom secretRef against its own secret store: a JSON map of base64 values.
    secret_name = secret["metadata"]["name"]
    (tmp_path / "secret.json").write_text(json.dumps(secret["data"]), encoding="utf-8")
    _run([podman, "secret", "rm", secret_name])
    created = _run([podman, "secret", "create", secret_name, str(tmp_path / "secret.json")])
    assert created.returncode == 0, created.stderr
    play = [podman, "kube", "play", "--configmap", str(tmp_path / "configmap.yaml")]
    try:
        started = _run([*play, str(tmp_path / "deployment.yaml")])
        assert started.returncode == 0, started.stdout + started.stderr
        status, _ = _get(f"http://127.0.0.1:{port}/livez", time.monotonic() + 60)
        assert status == 200
        pod = "shop-api-pod-0-web"
        inside = _run(
            [
                podman,
                "exec",
                pod,
                "sh",
                "-c",
                "id -u; id -g; grep -E '^(CapEff|NoNewPrivs)' /proc/1/status",
            ]
        )
        lines = inside.stdout.split()
        assert lines[:2] == ["10001", "10001"], inside.stdout + inside.stderr
        assert "0000000000000000" in lines, "capabilities were not all dropped"
        assert lines[-1] == "1", "privilege escalation is possible"
        readonly = _run([podman, "exec", pod, "sh", "-c", "touch /probe"])
        assert "Read-only file system" in readonly.stderr
        assert _run([podman, "exec", pod, "sh", "-c", "touch /tmp/probe"]).returncode == 0
        env = _run([podman, "exec", pod, "env"]).stdout
        decoded = base64.b64decode(secret["data"]["SECRET_KEY"]).decode()
        assert f"SECRET_KEY={decoded}" in env, "the Secret did not reach the container"
    finally:
        _run([podman, "kube", "down", str(tmp_path / "deployment.yaml")])
        _run([podman, "secret", "rm", secret_name])
