"""flaskforge: generate production-grade Flask microservices, and grow them in place.

The library API is what this module exports; ``flaskforge.cli`` is a thin layer over it. Names
are imported lazily so that ``flaskforge --version`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_DESCRIPTION",
    "RECORD_FILE",
    "Answers",
    "Catalogue",
    "ChangePlan",
    "ChangeResult",
    "Component",
    "Container",
    "CreatedProject",
    "Difference",
    "Endpoint",
    "FileChange",
    "GrowResult",
    "Hooks",
    "Kind",
    "LayoutEntry",
    "Outcome",
    "Process",
    "ProjectName",
    "ProjectPlan",
    "ProjectRecord",
    "ProjectStatus",
    "RecordedResource",
    "RenderedFile",
    "ResourceAddition",
    "Selection",
    "Setting",
    "SetupStep",
    "Step",
    "__version__",
    "add_extensions",
    "add_resource",
    "check_destination",
    "check_project",
    "create_project",
    "implied_choices",
    "list_extensions",
    "list_targets",
    "load_answers_file",
    "load_catalogue",
    "load_project_answers",
    "plan_add_extensions",
    "plan_add_resource",
    "plan_project",
    "plan_remove_extensions",
    "plan_remove_resource",
    "plan_update",
    "project_status",
    "read_record",
    "recommended_choices",
    "remove_extensions",
    "remove_resource",
    "resolve_selection",
    "update_project",
]

if TYPE_CHECKING:
    from flaskforge._answers import Answers, load_answers_file, load_project_answers
    from flaskforge._catalogue import Catalogue, Component, load_catalogue
    from flaskforge._components import (
        Container,
        Endpoint,
        Hooks,
        Kind,
        LayoutEntry,
        Process,
        Setting,
        SetupStep,
    )
    from flaskforge._grow import (
        GrowResult,
        add_extensions,
        plan_add_extensions,
        plan_remove_extensions,
        remove_extensions,
    )
    from flaskforge._inspect import Difference, ProjectStatus, check_project, project_status
    from flaskforge._lifecycle import ChangePlan, ChangeResult
    from flaskforge._merge import FileChange, Outcome
    from flaskforge._naming import ProjectName
    from flaskforge._project import (
        DEFAULT_DESCRIPTION,
        CreatedProject,
        ProjectPlan,
        check_destination,
        create_project,
        plan_project,
    )
    from flaskforge._record import (
        RECORD_FILE,
        ProjectRecord,
        RecordedResource,
        ResourceAddition,
        read_record,
    )
    from flaskforge._render import RenderedFile
    from flaskforge._resource_change import (
        add_resource,
        plan_add_resource,
        plan_remove_resource,
        remove_resource,
    )
    from flaskforge._selection import (
        Selection,
        implied_choices,
        recommended_choices,
        resolve_selection,
    )
    from flaskforge._steps import Step
    from flaskforge._update import plan_update, update_project

_LAZY = {
    "Answers": "flaskforge._answers",
    "load_answers_file": "flaskforge._answers",
    "load_project_answers": "flaskforge._answers",
    "Catalogue": "flaskforge._catalogue",
    "Component": "flaskforge._catalogue",
    "Process": "flaskforge._components",
    "Container": "flaskforge._components",
    "Endpoint": "flaskforge._components",
    "LayoutEntry": "flaskforge._components",
    "Hooks": "flaskforge._components",
    "Kind": "flaskforge._components",
    "Setting": "flaskforge._components",
    "SetupStep": "flaskforge._components",
    "load_catalogue": "flaskforge._catalogue",
    "ProjectName": "flaskforge._naming",
    "ProjectRecord": "flaskforge._record",
    "RecordedResource": "flaskforge._record",
    "ResourceAddition": "flaskforge._record",
    "RECORD_FILE": "flaskforge._record",
    "read_record": "flaskforge._record",
    "RenderedFile": "flaskforge._render",
    "DEFAULT_DESCRIPTION": "flaskforge._project",
    "CreatedProject": "flaskforge._project",
    "ProjectPlan": "flaskforge._project",
    "check_destination": "flaskforge._project",
    "create_project": "flaskforge._project",
    "plan_project": "flaskforge._project",
    "Selection": "flaskforge._selection",
    "implied_choices": "flaskforge._selection",
    "recommended_choices": "flaskforge._selection",
    "resolve_selection": "flaskforge._selection",
    "Step": "flaskforge._steps",
    "GrowResult": "flaskforge._grow",
    "add_extensions": "flaskforge._grow",
    "plan_add_extensions": "flaskforge._grow",
    "plan_remove_extensions": "flaskforge._grow",
    "remove_extensions": "flaskforge._grow",
    "add_resource": "flaskforge._resource_change",
    "plan_add_resource": "flaskforge._resource_change",
    "plan_remove_resource": "flaskforge._resource_change",
    "remove_resource": "flaskforge._resource_change",
    "ChangePlan": "flaskforge._lifecycle",
    "ChangeResult": "flaskforge._lifecycle",
    "FileChange": "flaskforge._merge",
    "Outcome": "flaskforge._merge",
    "plan_update": "flaskforge._update",
    "update_project": "flaskforge._update",
    "Difference": "flaskforge._inspect",
    "ProjectStatus": "flaskforge._inspect",
    "check_project": "flaskforge._inspect",
    "project_status": "flaskforge._inspect",
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
