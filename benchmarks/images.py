"""Container images: what each generated image adds to the base image its Dockerfile names."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .commands import run
from .report import Budget, Row

SECTION = "image"
BUDGETS_MB = {"bare": Budget(40.0), "everything": Budget(90.0)}


class NotMeasured(Exception):
    """Images cannot be built here; the message says why."""


def container_engine() -> list[str]:
    """A Docker engine if one answers, else podman."""
    docker = shutil.which("docker")
    if docker:
        info = subprocess.run([docker, "info"], capture_output=True, text=True, check=False)
        # Here ``docker`` may be a client talking to podman: then call podman itself.
        if info.returncode == 0 and "podman" not in info.stdout.lower():
            return [docker]
    podman = shutil.which("podman")
    if podman is None:
        raise NotMeasured("no container engine")
    return [podman]


def measure(projects: dict[str, Path]) -> list[Row]:
    """Build each project's Dockerfile; megabytes the image adds to its base image.

    Raises:
        NotMeasured: no engine, no Dockerfile, or the base image is not available locally.
    """
    engine = container_engine()
    rows = []
    for name, project in projects.items():
        dockerfile = project / "Dockerfile"
        if not dockerfile.exists():
            raise NotMeasured("no Dockerfile (docker target absent)")
        base = re.findall(r"(?m)^FROM\s+(\S+)", dockerfile.read_text())[-1]
        if subprocess.run([*engine, "image", "inspect", base], capture_output=True).returncode:
            raise NotMeasured(f"base image {base} absent (see tests/infra/podman_setup.sh)")
        tag = f"localhost/flaskforge-bench-{name}:{os.getpid()}"
        # podman would otherwise try to pull the base image, which may be a local stand-in.
        pull = ["--pull=never"] if engine[0].endswith("podman") else []
        print(f"building the {name} image", flush=True)
        run(*engine, "build", *pull, "-q", "-t", tag, project)
        try:
            added = _size(engine, tag) - _size(engine, base)
        finally:
            subprocess.run([*engine, "rmi", "-f", tag], capture_output=True, check=False)
        rows.append(
            Row(SECTION, f"{name}: image adds", [added / 1e6], "MB", budget=BUDGETS_MB[name])
        )
    return rows


def _size(engine: list[str], image: str) -> int:
    return int(run(*engine, "image", "inspect", image, "--format", "{{.Size}}").strip())
