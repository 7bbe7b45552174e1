"""Generate projects from the shipped catalogue: what the render and end-to-end tests share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flaskforge import create_project, load_catalogue
from flaskforge._catalogue import Setting

#: A resource field of each type but a reference (``add-resource --field`` syntax): the render
#: and end-to-end resource tests add their own reference to these.
FIELDS_OF_EACH_TYPE = (
    "label:str:80",
    "notes:text?",
    "quantity:int",
    "total:decimal",
    "paid:bool",
    "due_on:date",
    "placed_at:datetime",
    "token:uuid",
    "status:enum:new,paid,sent",
    # Ranges: both ends given, and one left out (the column's own limit).
    "rating:int:1..5",
    "price:decimal:0.5..",
)


def everything() -> tuple[list[str], list[str]]:
    """Every extension and every target of the catalogue, as ``create_project`` takes them.

    Should two components ever conflict, the first by name is kept.
    """
    catalogue = load_catalogue()
    chosen: list[list[str]] = []
    for components in (catalogue.extensions, catalogue.targets):
        names: list[str] = []
        for component in components:
            if not set(component.conflicts) & set(names):
                names.append(component.name)
        chosen.append(names or ["none"])
    return chosen[0], chosen[1]


def bare_or_everything(which: str) -> tuple[list[str], list[str]]:
    """Extensions and targets of the ``"bare"`` service or of ``"everything"``."""
    return (["none"], ["none"]) if which == "bare" else everything()


@dataclass(frozen=True)
class Generated:
    """A generated project, what it was generated with, and the settings it declares.

    Attributes:
        project: the project folder.
        extensions: the extensions asked for (``("none",)`` for none).
        targets: the targets asked for (``("none",)`` for none).
        settings: every setting of the components the selection resolved to.
    """

    project: Path
    extensions: tuple[str, ...]
    targets: tuple[str, ...]
    settings: tuple[Setting, ...]

    @property
    def secret_names(self) -> tuple[str, ...]:
        """The secret settings, sorted: production refuses to start without any of them."""
        return tuple(sorted(s.name for s in self.settings if s.secret))

    def files(self) -> dict[str, bytes]:
        """Every file of the project, by path relative to it."""
        return {
            p.relative_to(self.project).as_posix(): p.read_bytes()
            for p in sorted(self.project.rglob("*"))
            if p.is_file()
        }


def generate(
    out: Path, extensions: Iterable[str], targets: Iterable[str] = ("none",), *, name: str = "demo"
) -> Generated:
    """Generate project ``name`` in ``out`` (no git repository) with the given selection."""
    asked = (tuple(extensions), tuple(targets))
    created = create_project(
        name, output_dir=out, extensions=list(asked[0]), targets=list(asked[1]), git=False
    )
    settings = tuple(
        s for c in created.plan.selection.components(load_catalogue()) for s in c.settings
    )
    return Generated(out / name, *asked, settings)
