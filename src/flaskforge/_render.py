"""Render component templates into file contents, in memory. The one module that uses Jinja.

Conventions (the same as copier's, so the templates read familiarly): a file whose name ends in
``.jinja`` is rendered and loses the suffix; any other file is copied byte for byte; every path
segment is itself a template, so ``src/{{ package_name }}/app.py.jinja`` lands in the package.
A component's ``files/`` are always rendered, its ``files-with-<other>/`` only when component
``<other>`` is rendered too (see ``Component.folders``). A variable the context lacks is an
error, never an empty string (``StrictUndefined``).

One tag of our own, ``{% fit %}``, for lines whose length depends on a name the user chose
(``add-resource orders`` or ``purchase_orders_from_the_shops``): it holds the same code laid out
in several ways, separated by ``{% or %}``, and keeps the first whose lines all fit the
generated project's line length, so the result is what ``ruff format`` would write::

    {% fit %}
    def update({{ name }}_id: int) -> None:
    {% or %}
    def update(
        {{ name }}_id: int,
    ) -> None:
    {% endfit %}
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
from jinja2 import nodes
from jinja2.parser import Parser

from flaskforge._catalogue import Component
from flaskforge._record import toml_string
from flaskforge.errors import RenderError

TEMPLATE_SUFFIX = ".jinja"
#: The generated project's line length (``[tool.ruff] line-length`` in its pyproject.toml).
LINE_LENGTH = 100


@dataclass(frozen=True)
class RenderedFile:
    """One file of a generated project."""

    content: bytes
    executable: bool = False


class FitExtension(jinja2.ext.Extension):
    """``{% fit %}A{% or %}B{% endfit %}``: A when every line of A fits ``LINE_LENGTH``, else B."""

    tags = {"fit"}  # noqa: RUF012 (Jinja declares ``tags`` as a class-level set)
    #: Between two layouts in the rendered body; no template writes a NUL.
    _BETWEEN = "\0"

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        body: list[nodes.Node] = []
        while True:
            body.extend(parser.parse_statements(("name:or", "name:endfit")))
            if next(parser.stream).value == "endfit":
                break
            body.append(nodes.Output([nodes.TemplateData(self._BETWEEN)]))
        call = self.call_method("_first_that_fits")
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _first_that_fits(self, caller: Any) -> str:
        layouts = caller().split(self._BETWEEN)
        for layout in layouts:
            if all(len(line) <= LINE_LENGTH for line in layout.splitlines()):
                return str(layout)
        return str(layouts[-1])


@cache
def _environment() -> jinja2.Environment:
    # Autoescape stays off: we generate Python, TOML, YAML and Markdown, not HTML.
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        extensions=[FitExtension],
    )
    # A user's text in a TOML file: `tojson` would write an emoji as a surrogate pair, which
    # TOML refuses.
    environment.filters["toml"] = toml_string
    return environment


def render_components(
    components: Iterable[Component], context: Mapping[str, Any]
) -> dict[str, RenderedFile]:
    """Render every file of ``components`` with ``context``.

    ``components`` is the whole selection: a component's ``files-with-<other>/`` are rendered
    when ``<other>`` is among them.

    Returns:
        Relative POSIX path -> rendered file, sorted by path.

    Raises:
        RenderError: a template failed, a path rendered with an empty part, or two components
            produce the same path.
    """
    components = list(components)
    chosen = {component.name for component in components}
    files: dict[str, RenderedFile] = {}
    owner: dict[str, str] = {}
    for component in components:
        for folder in component.folders(chosen):
            label = f"{component.kind} {component.name!r}"
            render_folder(folder, context, files, owner, label)
    return dict(sorted(files.items()))


def render_folder(
    folder: Path,
    context: Mapping[str, Any],
    files: dict[str, RenderedFile],
    owner: dict[str, str],
    label: str,
) -> None:
    """Render every file under ``folder`` into ``files``; ``owner`` says who wrote each path.

    Raises:
        RenderError: as ``render_components``.
    """
    sources = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for source in sources:
        relative = source.relative_to(folder).as_posix()
        target = render_string(relative.removesuffix(TEMPLATE_SUFFIX), context, relative)
        if "" in target.split("/"):
            raise RenderError(relative, f"the path renders with an empty part: {target!r}")
        if target in files:
            raise RenderError(relative, f"{target} is also produced by {owner[target]}")
        raw = source.read_bytes()
        if relative.endswith(TEMPLATE_SUFFIX):
            content = render_string(raw.decode("utf-8"), context, relative).encode("utf-8")
        else:
            content = raw
        executable = bool(source.stat().st_mode & stat.S_IXUSR)
        files[target] = RenderedFile(content, executable)
        owner[target] = label


def render_string(source: str, context: Mapping[str, Any], name: str) -> str:
    """Render one template string; ``name`` says where it came from in errors."""
    if "{{" not in source and "{%" not in source:
        return source
    try:
        return _template(source).render(context)
    except jinja2.TemplateError as error:
        raise RenderError(name, str(error)) from error


@cache
def _template(source: str) -> jinja2.Template:
    # Compiling is most of a render's cost; add-extension renders every template twice, and a
    # process that renders many selections (the tests) renders each many times.
    return _environment().from_string(source)
