"""flaskforge: generate production-grade Flask microservices, and grow them in place.

The library API is what this module exports; ``flaskforge.cli`` is a thin layer over it. Names
are imported lazily so that ``flaskforge --version`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Catalogue",
    "Component",
    "CreatedProject",
    "GrowResult",
    "ProjectPlan",
    "Selection",
    "__version__",
    "add_extensions",
    "create_project",
    "list_extensions",
    "list_targets",
    "load_catalogue",
    "plan_project",
]

if TYPE_CHECKING:
    from flaskforge._catalogue import Catalogue, Component, load_catalogue
    from flaskforge._grow import GrowResult, add_extensions
    from flaskforge._project import CreatedProject, ProjectPlan, create_project, plan_project
    from flaskforge._selection import Selection

_LAZY = {
    "Catalogue": "flaskforge._catalogue",
    "Component": "flaskforge._catalogue",
    "load_catalogue": "flaskforge._catalogue",
    "CreatedProject": "flaskforge._project",
    "ProjectPlan": "flaskforge._project",
    "create_project": "flaskforge._project",
    "plan_project": "flaskforge._project",
    "Selection": "flaskforge._selection",
    "GrowResult": "flaskforge._grow",
    "add_extensions": "flaskforge._grow",
}


def list_extensions() -> list[Component]:
    """Every extension in the catalogue, sorted by name."""
    from flaskforge._catalogue import load_catalogue

    return list(load_catalogue().extensions)


def list_targets() -> list[Component]:
    """Every deployment target in the catalogue, sorted by name."""
    from flaskforge._catalogue import load_catalogue

    return list(load_catalogue().targets)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'flaskforge' has no attribute {name!r}")
