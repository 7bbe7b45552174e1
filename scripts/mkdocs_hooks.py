"""mkdocs hooks: each extension page of the site takes its facts from one source.

A page may hold these directives, each alone on a line, indented or not (``+OTHER`` names
extensions to render with, for a page that reads differently when they are present):

``<!-- flaskforge:adds NAME [+OTHER ...] -->``
    What NAME adds to a project, as a list, from its manifest and its template files:
    requirements, pinned dependencies, files, settings, backing services, processes.
``<!-- flaskforge:page NAME [+OTHER ...] -->``
    The ``docs/extensions/NAME.md`` that NAME ships in a generated project, rendered for a
    project with NAME (and OTHER), its title left out and its headings one level down.
``<!-- flaskforge:tree PROJECT -->``
    The files of ``flaskforge new PROJECT --defaults``, as a tree.

So the page a generated project carries (``templates/extensions/NAME/files/docs/...``) is the
one source of what the site says about the generated service, and the manifest the one source
of its dependencies and settings. ``mkdocs.yml`` names this file under ``hooks``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flaskforge import __version__
from flaskforge._catalogue import Component, load_catalogue
from flaskforge._context import template_context
from flaskforge._naming import ProjectName
from flaskforge._project import plan_project, render_project
from flaskforge._record import ProjectRecord
from flaskforge._render import render_components
from flaskforge._selection import Selection, resolve_selection

#: How a page names the generated project's package and project, where a project has its own.
PACKAGE = "<package>"
PROJECT = "<project>"

_DIRECTIVE = re.compile(
    r"^(?P<indent>[ ]*)<!-- flaskforge:(?P<what>adds|page|tree) (?P<name>[a-z0-9-]+)"
    r"(?P<also>(?: \+[a-z0-9-]+)*)"
    r" -->$",
    re.MULTILINE,
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#+) ")


def on_pre_build(**_: object) -> None:
    """Read the catalogue and templates afresh at each build (``mkdocs serve`` rebuilds)."""
    load_catalogue.cache_clear()
    shipped_page.cache_clear()
    adds.cache_clear()
    tree.cache_clear()


def on_page_markdown(markdown: str, **_: object) -> str:
    """mkdocs calls this with each page's Markdown before converting it."""
    return expand(markdown)


def expand(markdown: str) -> str:
    """``markdown`` with every directive replaced by what it stands for."""

    def replace(match: re.Match[str]) -> str:
        also = tuple(match["also"].split(" +")[1:])
        if match["what"] == "adds":
            text = adds(match["name"], also)
        elif match["what"] == "tree":
            text = tree(match["name"])
        else:
            text = shipped_page(match["name"], also)
        # Indented as the directive is, so that it can sit in a list item or an admonition.
        return "\n".join(match["indent"] + line if line else line for line in text.split("\n"))

    return _DIRECTIVE.sub(replace, markdown)


def _selection(name: str, also: tuple[str, ...]) -> Selection:
    return resolve_selection(load_catalogue(), extensions=[name, *also], targets=["none"])


@cache
def shipped_page(name: str, also: tuple[str, ...] = ()) -> str:
    """The page extension ``name`` ships, as the site shows it (see the module's docstring)."""
    selection = _selection(name, also)
    record = ProjectRecord(
        __version__, PROJECT, PACKAGE, "A service.", selection.extensions, selection.targets
    )
    page = render_project(load_catalogue(), record)[f"docs/extensions/{name}.md"]
    _title, body = page.content.decode("utf-8").split("\n", 1)
    return demote(body.strip("\n"))


def demote(markdown: str, top: int = 3) -> str:
    """The headings shifted so the highest is level ``top`` (under the site page's own ``##``).

    Only outside fenced code, where ``#`` starts a comment.
    """
    lines = markdown.split("\n")
    headings, fenced = {}, False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (heading := _HEADING.match(line)):
            headings[number] = len(heading[1])
    shift = top - min(headings.values(), default=top)
    for number, level in headings.items():
        lines[number] = "#" * (level + shift) + lines[number][level:]
    return "\n".join(lines)


@cache
def adds(name: str, also: tuple[str, ...] = ()) -> str:
    """What extension ``name`` adds to a project, as a Markdown list."""
    catalogue = load_catalogue()
    component = catalogue.get("extension", name)
    selection = _selection(name, also)
    items = []
    if component.requires:
        items.append(f"Requires {_names(component.requires)} (added automatically, and reported).")
    if component.conflicts:
        items.append(f"Cannot be combined with {_names(component.conflicts)}.")
    if component.dependencies:
        items.append(f"Pinned dependencies: {_names(component.dependencies)}.")
    if component.dev_dependencies:
        items.append(f"Pinned in the `dev` extra only: {_names(component.dev_dependencies)}.")
    with_others = f" (with {_names(also)})" if also else ""
    items.append(f"Files{with_others}: {_names(_own_files(component, selection))}.")
    if component.settings:
        settings = [f"`{s.name}`" + (" (secret)" if s.secret else "") for s in component.settings]
        items.append(
            f"Settings: {', '.join(settings)}, in `.env.example`, the README's configuration"
            " table and the deployment targets' configuration."
        )
    else:
        items.append("No settings of its own.")
    for service in (catalogue.get("service", s) for s in component.services):
        brought = _names([s.name for s in service.settings])
        items.append(
            f"The backing service `{service.name}` ({service.summary.rstrip('.')}): the"
            f" deployment targets run one and pass {brought}, shared with every extension that"
            " needs it."
        )
    for process in component.processes:
        command = " ".join(process.command).replace("{package}", PACKAGE)
        check = " ".join(process.healthcheck).replace("{package}", PACKAGE)
        health = f", health check `{check}`" if check else ""
        if process.kind == "job":
            runs = "a one-shot compose service and a Kubernetes Job, run before the web server"
        else:
            runs = "a compose service and a Kubernetes Deployment"
        items.append(
            f"The {process.kind} process `{process.name}` (`{command}`{health}): with the"
            f" deployment targets, {runs}."
        )
    if component.system_packages:
        items.append(f"Debian packages in the runtime image: {_names(component.system_packages)}.")
    return "\n".join(f"- {item}" for item in items)


def _own_files(component: Component, selection: Selection) -> list[str]:
    """The paths ``component``'s own templates render to, in a project with ``selection``."""
    name = ProjectName(project=PROJECT, package=PACKAGE)
    context = template_context(load_catalogue(), name, "A service.", selection, __version__)
    return sorted(render_components([component], context))


def _names(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{item}`" for item in items)


@cache
def tree(project: str) -> str:
    """The files ``flaskforge new PROJECT --defaults`` writes, as a fenced tree."""
    plan = plan_project(project, output_dir=".", extensions=None, targets=None)
    nested: dict[str, Any] = {}
    for path in plan.files:
        *folders, name = path.split("/")
        node = nested
        for folder in folders:
            node = node.setdefault(folder + "/", {})
        node[name] = None
    lines = [f"{project}/"]

    def walk(node: dict[str, Any], indent: str) -> None:
        # Folders first, then files, each sorted, as a reader scans a tree.
        entries = sorted(node.items(), key=lambda item: (item[1] is None, item[0]))
        for index, (name, child) in enumerate(entries):
            last = index == len(entries) - 1
            lines.append(f"{indent}{'└── ' if last else '├── '}{name}")
            if child is not None:
                walk(child, indent + ("    " if last else "│   "))

    walk(nested, "")
    return "```text\n" + "\n".join(lines) + "\n```"
