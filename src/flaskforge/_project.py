"""``create_project``: plan a new service, then write it in one step."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from flaskforge._catalogue import Catalogue, load_catalogue
from flaskforge._context import template_context
from flaskforge._imports import installed_modules
from flaskforge._lock import (
    CATALOGUE_LOCK,
    CATALOGUE_REACH,
    LOCK_COMMANDS,
    project_locks,
    read_lock,
    read_reach,
)
from flaskforge._naming import (
    ProjectName,
    parse_description,
    parse_image_registry,
    parse_namespace,
    parse_project_name,
)
from flaskforge._record import RECORD_FILE, ProjectRecord, dump_record
from flaskforge._render import RenderedFile, render_components
from flaskforge._resource_files import render_resources, resource_contexts
from flaskforge._selection import Selection, resolve_selection
from flaskforge._steps import Step, notes, quick_start
from flaskforge._versions import installed
from flaskforge.errors import DestinationExists, InvalidOutputDir, RenderError

#: The description used when none is given.
DEFAULT_DESCRIPTION = "A Flask microservice"

#: Where the deployment files say the image is pushed, when no registry is given.
DEFAULT_IMAGE_REGISTRY = "registry.example.com"


@dataclass(frozen=True)
class ProjectPlan:
    """Everything ``create_project`` would write, computed without touching the disk.

    ``quick_start`` holds the commands from the new project to a running development server
    (the generated README's quick start); ``next_steps`` the components' notes for after that.
    """

    name: ProjectName
    destination: Path
    selection: Selection
    record: ProjectRecord
    files: Mapping[str, RenderedFile]
    next_steps: tuple[str, ...] = ()
    quick_start: tuple[Step, ...] = ()


@dataclass(frozen=True)
class CreatedProject:
    """What ``create_project`` did.

    Attributes:
        plan: the plan it carried out (files, selection, implied extensions).
        written: False for a dry run.
        git: whether the project was made a repository with an initial commit.
    """

    plan: ProjectPlan
    written: bool
    git: bool


def plan_project(
    name: str,
    *,
    output_dir: Path | str = ".",
    description: str | None = None,
    extensions: Iterable[str] | None = None,
    targets: Iterable[str] | None = None,
    image_registry: str | None = None,
    kubernetes_namespace: str | None = None,
    catalogue: Catalogue | None = None,
) -> ProjectPlan:
    """Validate every input and render the project in memory. Writes nothing.

    Raises:
        UsageError: a bad name, destination, extension, target or deployment setting (see
            ``flaskforge.errors``).
    """
    catalogue = catalogue or load_catalogue()
    project_name, destination = check_destination(name, output_dir, catalogue)
    selection = resolve_selection(catalogue, extensions=extensions, targets=targets)
    description = DEFAULT_DESCRIPTION if description is None else parse_description(description)
    record = ProjectRecord(
        flaskforge_version=installed(),
        project_name=project_name.project,
        package_name=project_name.package,
        description=description,
        extensions=selection.extensions,
        targets=selection.targets,
        image_registry="" if image_registry is None else parse_image_registry(image_registry),
        kubernetes_namespace=(
            "" if kubernetes_namespace is None else parse_namespace(kubernetes_namespace)
        ),
    )
    files = render_project(catalogue, record)
    components = selection.components(catalogue)
    return ProjectPlan(
        project_name,
        destination,
        selection,
        record,
        files,
        next_steps=notes(components),
        quick_start=quick_start(components),
    )


def render_project(catalogue: Catalogue, record: ProjectRecord) -> dict[str, RenderedFile]:
    """Every file of the project that ``record`` describes, including the record itself.

    Besides the templates' files: the lock files, cut from the catalogue's lock (when the
    catalogue has one: the shipped one does), and the record.
    """
    selection = Selection(record.extensions, record.targets)
    name = ProjectName(project=record.project_name, package=record.package_name)
    components = selection.components(catalogue)
    context = template_context(
        catalogue, name, record.description, selection, record.flaskforge_version
    )
    context["lock_commands"] = LOCK_COMMANDS
    # Deployment settings the record keeps, so that later lifecycle commands render them too.
    context["image_registry"] = record.image_registry or DEFAULT_IMAGE_REGISTRY
    context["kubernetes_namespace"] = record.kubernetes_namespace or name.deploy
    # The resources add-resource made: registered in api/v1/__init__.py, each rendered from
    # templates/resource/; those remove-resource took out keep their revisions.
    context["resources"] = resource_contexts(record.live_resources)
    files = render_components(components, context)
    if record.resources:
        render_resources(catalogue.root, context, files, record.resources)
    lock, reach = catalogue.root / CATALOGUE_LOCK, catalogue.root / CATALOGUE_REACH
    if lock.is_file():
        locks = project_locks(read_lock(lock), read_reach(reach), components, name.project)
        for path, text in locks.items():
            if path in files:
                raise RenderError(path, f"a template writes {path}, which the lock writes")
            files[path] = RenderedFile(text.encode("utf-8"))
    files[RECORD_FILE] = RenderedFile(dump_record(record).encode("utf-8"))
    return dict(sorted(files.items()))


def create_project(
    name: str,
    *,
    output_dir: Path | str = ".",
    description: str | None = None,
    extensions: Iterable[str] | None = None,
    targets: Iterable[str] | None = None,
    image_registry: str | None = None,
    kubernetes_namespace: str | None = None,
    git: bool = True,
    dry_run: bool = False,
    catalogue: Catalogue | None = None,
) -> CreatedProject:
    """Generate a new service in ``output_dir/name``.

    Args:
        name: the project name; dashes become underscores in the package name.
        output_dir: the folder the project folder is created in (created if missing).
        description: one line for the README and package metadata.
        extensions: extension names or aliases; ``None`` for the recommended set,
            ``["none"]`` for the bare service. Requirements are added.
        targets: deployment targets, with the same conventions.
        image_registry: where the deployment files say the image is pushed (``ghcr.io/acme``;
            the image is ``REGISTRY/<deploy name>``); ``None`` for ``registry.example.com``.
        kubernetes_namespace: the Kubernetes namespace of the manifests; ``None`` for the
            project's deploy name.
        git: make the project a git repository with one initial commit.
        dry_run: plan and render, but write nothing.
        catalogue: the catalogue to use (the shipped one by default).

    Returns:
        The plan and what was done with it.

    Raises:
        UsageError: bad input; nothing was written.
        WriteFailed: the disk or git failed; nothing was left behind.
    """
    plan = plan_project(
        name,
        output_dir=output_dir,
        description=description,
        extensions=extensions,
        targets=targets,
        image_registry=image_registry,
        kubernetes_namespace=kubernetes_namespace,
        catalogue=catalogue,
    )
    if dry_run:
        return CreatedProject(plan=plan, written=False, git=False)
    if git:
        from flaskforge._git import require_git

        require_git()
    from flaskforge._write import create_tree

    message = f"Generate {plan.name.project} with flaskforge {installed()}" if git else None
    create_tree(plan.destination, plan.files, commit_message=message, record=plan.record)
    return CreatedProject(plan=plan, written=True, git=git)


def check_destination(
    name: str, output_dir: Path | str, catalogue: Catalogue
) -> tuple[ProjectName, Path]:
    """Validate the project name and where it would go, without rendering anything.

    Raises:
        InvalidProjectName, InvalidOutputDir, DestinationExists: what is wrong and what to do.
    """
    # Every dependency's modules, not only the selection's: add-extension may bring any later.
    project_name = parse_project_name(name, reserved=installed_modules(catalogue.root))
    return project_name, _check_destination(Path(output_dir), project_name.project)


def _check_destination(output_dir: Path, project: str) -> Path:
    text = str(output_dir)
    # Control characters would reach the terminal raw in every message naming the folder;
    # lone surrogates (undecodable bytes) cannot be printed at all.
    for character in text:
        if unicodedata.category(character) in ("Cc", "Cs"):
            raise InvalidOutputDir(text, f"holds the unprintable character U+{ord(character):04X}")
    for candidate in (output_dir, *output_dir.parents):
        if candidate.exists():
            if not candidate.is_dir():
                raise InvalidOutputDir(str(output_dir), f"is not a folder ({candidate} is a file)")
            if not _writable(candidate):
                raise InvalidOutputDir(str(output_dir), "is not writable")
            break
    destination = output_dir / project
    occupied = destination.is_symlink() or (
        destination.exists() and (not destination.is_dir() or any(destination.iterdir()))
    )
    if occupied:
        raise DestinationExists(str(destination))
    return destination


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)
