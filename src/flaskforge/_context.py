"""Build the variables every template sees from a project name and a selection. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from flaskforge._catalogue import HOOK_POINTS, Catalogue
from flaskforge._components import Container
from flaskforge._naming import ProjectName, dns_label
from flaskforge._selection import Selection
from flaskforge._steps import comment_column, quick_start

#: Oldest Python the generated service supports, and the one its container image runs.
PYTHON_REQUIRES = ">=3.11"
CONTAINER_PYTHON = "3.12"


def template_context(
    catalogue: Catalogue,
    name: ProjectName,
    description: str,
    selection: Selection,
    flaskforge_version: str,
) -> dict[str, Any]:
    """The template variables.

    Lists are aggregated over the base and every selected component, so templates iterate over
    data (dependencies, settings, services) instead of testing for particular extensions.
    """
    components = selection.components(catalogue)
    chosen = {c.name for c in components}
    settings = [
        {
            "name": s.name,
            "default": s.default,
            "help": s.help,
            "secret": s.secret,
            "example": s.example,
            "type": s.type,
            "required_unless": s.required_unless,
            "component": c.name,
        }
        for c in components
        for s in c.settings
    ]
    processes = [
        {
            "name": p.name,
            "kind": p.kind,
            "command": [arg.replace("{package}", name.package) for arg in p.command],
            "healthcheck": [arg.replace("{package}", name.package) for arg in p.healthcheck],
            # The name of its Kubernetes objects: the project's, then its own, within 63 characters.
            "deploy_name": dns_label(name.project, p.name),
            "component": c.name,
        }
        for c in components
        for p in c.processes
    ]
    init_order = _init_order(catalogue, selection.extensions)
    return {
        "project_name": name.project,
        "package_name": name.package,
        # Kubernetes names, label values, the image and the compose project: a DNS-1123 label.
        "deploy_name": name.deploy,
        "description": description,
        "flaskforge_version": flaskforge_version,
        "extensions": list(selection.extensions),
        "init_order": init_order,
        "hooks": _hooks(catalogue, init_order),
        "entry_points": sorted({m for c in components for m in c.entry_points}),
        "targets": list(selection.targets),
        "processes": processes,
        "services": [c.name for c in components if c.kind == "service"],
        # How compose runs each backing service, from its manifest's [container].
        "containers": [
            _container(c.name, c.container)
            for c in components
            if c.kind == "service" and c.container is not None
        ],
        "settings": settings,
        # The README's layout of the package, sorted like a listing, and its API table, each
        # component's routes together, base first.
        "layout": sorted(
            (
                {"path": e.path, "about": e.about}
                for c in components
                for e in c.layout
                if not e.only_with or e.only_with in chosen
            ),
            key=lambda entry: entry["path"],
        ),
        "endpoints": [asdict(e) for c in components for e in c.endpoints],
        "dependencies": _merge(d for c in components for d in c.dependencies),
        "dev_dependencies": _merge(d for c in components for d in c.dev_dependencies),
        # Shared libraries the runtime image must carry (e.g. libpq5 for psycopg).
        "system_packages": sorted({p for c in components for p in c.system_packages}),
        # The README's quick start: the same steps `flaskforge new` prints.
        "quick_start": [
            {"command": step.command, "comment": step.comment} for step in quick_start(components)
        ],
        # Where its comments line up, as `flaskforge new` prints them.
        "quick_start_width": comment_column(step.command for step in quick_start(components)),
        # The resources of the record (see _resource_files.resource_contexts); none for `new`.
        "resources": [],
        "python_requires": PYTHON_REQUIRES,
        "container_python": CONTAINER_PYTHON,
    }


def _container(name: str, container: Container) -> dict[str, Any]:
    """A service's ``[container]``, with how the host reaches it once compose publishes it."""
    host = f"127.0.0.1:{container.host_port}"
    return {
        "name": name,
        **asdict(container),
        "host_port_variable": f"{name.upper().replace('-', '_')}_HOST_PORT",
        # The compose URL as typed on the host: its defaults filled in, the published port.
        "host_url": _DEFAULTED.sub(r"\1", container.url).replace(f"{name}:{container.port}", host),
    }


#: ``${VAR:-default}`` in a compose value: the default is what the host sees unless set.
_DEFAULTED = re.compile(r"\$\{[A-Za-z0-9_]+:-([^}]*)\}")


def _merge(requirements: Iterable[str]) -> list[str]:
    # Case-insensitive by distribution name, like pip sorts; duplicates collapse.
    return sorted(set(requirements), key=lambda r: r.lower())


def _hooks(catalogue: Catalogue, init_order: list[str]) -> dict[str, list[dict[str, str]]]:
    """Hook point -> ``{module, name}`` of every hook offered there, in ``init_order``."""
    hooks: dict[str, list[dict[str, str]]] = {point: [] for point in HOOK_POINTS}
    for extension in init_order:
        component = catalogue.get("extension", extension)
        for point in HOOK_POINTS:
            names = getattr(component.hooks, point)
            hooks[point].extend({"module": component.module, "name": n} for n in names)
    return hooks


def _init_order(catalogue: Catalogue, names: tuple[str, ...]) -> list[str]:
    """Extensions with each one after those it requires; ties broken by name."""
    ordered: list[str] = []

    def place(name: str) -> None:
        if name in ordered:
            return
        for required in sorted(catalogue.get("extension", name).requires):
            place(required)
        ordered.append(name)

    for name in sorted(names):
        place(name)
    return ordered
