"""What the resource templates (``templates/resource/``) see, and the Alembic revisions' order.

Each recorded resource is rendered once from the same template set, with a ``resource``
variable built here: its names, its fields with what each type means for the column, the
migration and the tests, the resources it refers to and those that refer to it. Pure: no disk.

Revisions: a resource's first revision creates its table, each addition of fields adds their
columns, and once the resource is removed, a last one drops the table. Their ids are derived from
the resource's name and fields (the same add always writes the same revision), and each comes
after the revisions the record says were the heads when it was made, so a later extension's
revision (jwt's) never changes it: when the history has grown two heads, a merge revision joins
them. A removed resource stays in the record for its revisions, since databases applied them.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from flaskforge._record import RecordedResource, ResourceAddition
from flaskforge._render import RenderedFile, render_folder
from flaskforge._resources import (
    DECIMAL_PLACES,
    DECIMAL_STEP,
    RANGE_LIMITS,
    Field,
    parse_fields,
    resource_name,
)

#: The revision every project with migrations starts from (the items table).
FIRST_REVISION = "0001"

#: Values the generated tests send and expect back, by type: (sent, returned).
_EXAMPLES: dict[str, tuple[tuple[Any, Any], tuple[Any, Any]]] = {
    "str": (("a value", "a value"), ("another value", "another value")),
    "text": (("Some longer text.", "Some longer text."), ("Other text.", "Other text.")),
    "int": ((42, 42), (-7, -7)),
    "decimal": (("12.50", "12.50"), (3.5, "3.50")),
    "bool": ((True, True), (False, False)),
    "date": (("2026-01-31", "2026-01-31"), ("2026-02-01", "2026-02-01")),
    "datetime": (
        ("2026-01-31T12:30:00+00:00", "2026-01-31T12:30:00+00:00"),
        ("2026-02-01T08:00:00+02:00", "2026-02-01T06:00:00+00:00"),
    ),
    "uuid": (
        ("7c9e6679-7425-40de-944b-e07fc1f90ae7", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        ("0b5d7a8e-3f1c-4c2a-9a6e-2d4f8b1c9e30", "0b5d7a8e-3f1c-4c2a-9a6e-2d4f8b1c9e30"),
    ),
}

#: What a client gets for a value of the wrong kind, by type.
PROBLEMS = {
    "str": "Must be a string.",
    "text": "Must be a string.",
    "int": "Must be an integer.",
    "decimal": "Must be a number with at most 10 digits before the point.",
    "bool": "Must be true or false.",
    "date": "Must be a date: YYYY-MM-DD.",
    "datetime": "Must be a date and time with its offset, such as 2026-01-31T12:30:00+00:00.",
    "uuid": "Must be a UUID.",
    "ref": "Must be an integer.",
}

#: A value of the wrong kind, by type.
_INVALID: dict[str, Any] = {
    "str": 5,
    "text": 5,
    "int": "42",
    "decimal": "lots",
    "bool": "yes",
    "date": "31/01/2026",
    "datetime": "2026-01-31T12:30:00",
    "uuid": "not-a-uuid",
    "enum": "not-a-value",
    "ref": "1",
}


#: The SQLAlchemy type (or construct) a column of each field type is made with.
_SQLALCHEMY = {
    "str": "String",
    "text": "Text",
    "int": "Integer",
    "decimal": "Numeric",
    "bool": "Boolean",
    "date": "Date",
    "datetime": "DateTime",
    "uuid": "Uuid",
    "enum": "String",
    "ref": "ForeignKey",
}


def _sa_column(field: Field) -> str:
    """The column's type as a revision writes it."""
    if field.type == "str":
        return f"sa.String(length={field.length})"
    if field.type == "enum":
        return f"sa.String(length={max(len(v) for v in field.values)})"
    return {
        "text": "sa.Text()",
        "int": "sa.Integer()",
        "decimal": "sa.Numeric(precision=12, scale=2)",
        "bool": "sa.Boolean()",
        "date": "sa.Date()",
        "datetime": "sa.DateTime(timezone=True)",
        "uuid": "sa.Uuid()",
        "ref": "sa.Integer()",
    }[field.type]


def literal(value: Any) -> str:
    """``value`` (JSON data) as Python source, in the quotes ``ruff format`` keeps."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def _digest(text: str, resource: RecordedResource) -> str:
    """A revision id for ``text`` about ``resource``: 12 hex digits, as Alembic's."""
    if resource.removed_before:
        # The same name, added and removed before: its revisions took the texts without this.
        text += f" (added again, {resource.removed_before})"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def revision_id(resource: RecordedResource) -> str:
    """The id of the revision that creates ``resource``'s table."""
    return _digest(f"create {resource.name}: {', '.join(resource.fields)}", resource)


def addition_id(resource: RecordedResource, addition: ResourceAddition) -> str:
    """The id of the revision that adds ``addition``'s columns to ``resource``'s table."""
    return _digest(f"add to {resource.name}: {', '.join(addition.fields)}", resource)


def drop_id(resource: RecordedResource) -> str:
    """The id of the revision that drops the table of ``resource`` (once it is removed)."""
    return _digest(f"drop {resource.name}: {', '.join(resource.all_fields)}", resource)


def revision_ids(resource: RecordedResource) -> list[str]:
    """Every revision of ``resource``: the one creating its table, its additions', its drop."""
    ids = [revision_id(resource), *(addition_id(resource, a) for a in resource.additions)]
    return [*ids, drop_id(resource)] if resource.removed else ids


def _revisions_recorded(resource: RecordedResource) -> list[tuple[str, tuple[str, ...]]]:
    """Each revision of ``resource`` with the heads recorded for it (see ``revision_ids``)."""
    recorded = [resource.revises, *(a.revises for a in resource.additions)]
    if resource.removed:
        recorded.append(resource.dropped)
    return list(zip(revision_ids(resource), recorded, strict=True))


def merge_id(parents: Sequence[str]) -> str:
    """The id of the revision that merges ``parents``."""
    text = "merge " + ", ".join(sorted(parents))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


#: The schemas' constants of an ``int`` column's limits, the smallest and the largest.
_INT_LIMITS = ("INT_MIN", "INT_MAX")


def _range(field: Field) -> dict[str, Any] | None:
    """How the schemas and the tests write the range of a ranged ``int`` or ``decimal``.

    An end left out is the column's own limit: a range narrows the column's, never widens it.
    """
    if not field.ranged:
        return None
    low, high = _bounds(field)
    values = []
    for given, bound, limit in zip((field.low, field.high), (low, high), _INT_LIMITS, strict=True):
        if field.type == "int":
            values.append(limit if given is None else str(bound))
        else:
            values.append(f'Decimal("{bound:f}")')
    step = Decimal(1) if field.type == "int" else DECIMAL_STEP
    smallest, largest = RANGE_LIMITS[field.type]
    # Just outside each end; not past the column's limit, where the column's own message is.
    outside = [b for b in (low - step, high + step) if smallest <= b <= largest]
    return {
        "min": f"{field.name.upper()}_MIN",
        "max": f"{field.name.upper()}_MAX",
        "min_value": values[0],
        "max_value": values[1],
        "problem": f"Must be between {low:f} and {high:f}.",
        "outside": [_sent(field, value)[0] for value in outside],
        # Each end given, as a test sends it and as the API shows it: both are accepted.
        "ends": [_sent(field, end) for end in (field.low, field.high) if end is not None],
    }


def _bounds(field: Field) -> tuple[Decimal, Decimal]:
    """The smallest and largest value of ``field`` (an ``int`` or ``decimal``)."""
    smallest, largest = RANGE_LIMITS[field.type]
    low = smallest if field.low is None else field.low
    high = largest if field.high is None else field.high
    return low, high


def _sent(field: Field, value: Decimal) -> tuple[str, str]:
    """``value`` of ``field`` as a test sends it and as the API shows it (source text)."""
    if field.type == "int":
        return literal(int(value)), literal(int(value))
    return literal(f"{value:f}"), literal(f"{value:.{DECIMAL_PLACES}f}")


def _examples(field: Field) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """The values a test sends and gets back; a ranged field's moved inside its range."""
    if field.type == "enum":
        return ((field.values[0],) * 2, (field.values[-1],) * 2)
    if field.type == "ref":
        return ((None, None), (None, None))
    examples = _EXAMPLES[field.type]
    if not field.ranged:
        return examples
    low, high = _bounds(field)
    moved = []
    for sent, shown in examples:
        value = Decimal(str(sent))
        nearest = min(max(value, low), high)
        if nearest == value:
            moved.append((sent, shown))
        elif field.type == "int":
            moved.append((int(nearest), int(nearest)))
        else:
            moved.append((f"{nearest:.{DECIMAL_PLACES}f}",) * 2)
    return moved[0], moved[1]


def _field(field: Field, resource_plural: str) -> dict[str, Any]:
    constant = f"{field.name.upper()}_MAX" if field.type == "str" else ""
    if field.type == "enum":
        constant = f"{field.name.upper()}_VALUES"
    target = resource_name(field.target) if field.type == "ref" else None
    examples = _examples(field)
    problem = PROBLEMS.get(field.type, "Must be one of: " + ", ".join(field.values) + ".")
    return {
        "name": field.name,
        "type": field.type,
        "optional": field.optional,
        "length": field.length,
        "choices": list(field.values),
        "enum_length": max((len(v) for v in field.values), default=0),
        # The module constant of its limit: NAME_MAX for a str, STATUS_VALUES for an enum.
        "constant": constant,
        "target": (
            {
                "plural": target.plural,
                "singular": target.singular,
                "class_name": target.class_name,
                "title": target.singular.replace("_", " ").capitalize(),
                "indefinite": target.indefinite,
                "self": target.plural == resource_plural,
            }
            if target
            else None
        ),
        # Its column in a revision.
        "sa_column": _sa_column(field),
        "example": literal(examples[0][0]),
        "example_shown": literal(examples[0][1]),
        "other": literal(examples[1][0]),
        "other_shown": literal(examples[1][1]),
        "invalid": literal(_INVALID[field.type]),
        "problem": problem,
        "problem_parts": _parts(problem, PROBLEM_PART_MAX),
        # An int's or decimal's range (None without one): its constants, values and tests.
        "range": _range(field),
    }


#: The longest part of a message split over lines in a generated test: it is indented by 12, in
#: quotes, with a comma after the last part, and the line may be 100 long.
PROBLEM_PART_MAX = 100 - 12 - 3


def _parts(text: str, width: int) -> list[str]:
    """``text`` cut after commas into parts of at most ``width`` characters (when it can be)."""
    parts = [""]
    for word in re.split(r"(?<=, )", text):
        if parts[-1] and len(parts[-1]) + len(word) > width:
            parts.append("")
        parts[-1] += word
    return parts


def resource_contexts(resources: Sequence[RecordedResource]) -> list[dict[str, Any]]:
    """The ``resource`` variable of each resource the project has, in the record's order.

    ``resources`` are those the project has (the record's ``live_resources``): a removed one
    keeps its revisions only, which ``render_resources`` renders from the record itself.
    """
    names = [r.name for r in resources]
    parsed = {
        r.name: parse_fields(r.all_fields, resource=r.name, resources=names) for r in resources
    }
    contexts = []
    for resource in resources:
        name = resource_name(resource.name)
        fields = [_field(f, resource.name) for f in parsed[resource.name]]
        types = {f["type"] for f in fields}
        targets = sorted(
            {f["target"]["plural"] for f in fields if f["target"] and not f["target"]["self"]}
        )
        referred_by: list[dict[str, Any]] = [
            {"plural": other.name, "field": f.name, "self": other.name == resource.name}
            for other in resources
            for f in parsed[other.name]
            if f.type == "ref" and f.target == resource.name
        ]
        contexts.append(
            {
                "plural": name.plural,
                "singular": name.singular,
                "class_name": name.class_name,
                # In sentences: "Order line 3 does not exist.", "Create an order line".
                "title": name.singular.replace("_", " ").capitalize(),
                "indefinite": name.indefinite,
                "words": name.plural.replace("_", " "),
                "fields": fields,
                "types": sorted(types),
                "required": [f["name"] for f in fields if not f["optional"]],
                "targets": [{"plural": t, **_names(t)} for t in targets],
                "referred_by": referred_by,
                # Other resources' stores the service imports: those its references name, and
                # those whose references name it (a delete checks them).
                "stores": sorted(
                    set(targets) | {str(r["plural"]) for r in referred_by if not r["self"]}
                ),
                # Resources a test must create first: those its required references need.
                "prerequisites": _prerequisites(resource.name, parsed, resources),
                # What models.py imports from sqlalchemy.
                "sqlalchemy_names": sorted({"Integer"} | {_SQLALCHEMY[t] for t in types}),
            }
        )
    return contexts


def _names(plural: str) -> dict[str, str]:
    name = resource_name(plural)
    return {
        "singular": name.singular,
        "class_name": name.class_name,
        "title": name.singular.replace("_", " ").capitalize(),
        "indefinite": name.indefinite,
    }


def _prerequisites(
    plural: str, parsed: Mapping[str, tuple[Field, ...]], resources: Sequence[RecordedResource]
) -> list[dict[str, Any]]:
    """The resources ``plural``'s tests create first, each after those it needs itself."""
    order: list[str] = []

    def visit(name: str) -> None:
        for field in parsed[name]:
            if field.type != "ref" or field.target == name or field.target in order:
                continue
            # The resource's own tests refer to every other resource it names; the rows made
            # for them need only what their required references name.
            if name == plural or not field.optional:
                visit(field.target)
        if name not in order and name != plural:
            order.append(name)

    visit(plural)
    result = []
    for name in order:
        fields = [_field(f, name) for f in parsed[name]]
        result.append({"plural": name, **_names(name), "fields": fields})
    return result


# ---------------------------------------------------------------------------------------------
# Revisions


_REVISION = re.compile(r'^revision = "([^"]+)"$', re.MULTILINE)
_DOWN = re.compile(r"^down_revision = (.+)$", re.MULTILINE)


def revisions_of(files: Mapping[str, bytes]) -> dict[str, tuple[str, ...]]:
    """Revision id -> the revisions it follows, read from the revision files in ``files``."""
    graph: dict[str, tuple[str, ...]] = {}
    for path, content in files.items():
        if "/migrations/versions/" not in path or not path.endswith(".py"):
            continue
        text = content.decode("utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None or down is None:
            continue
        value = ast.literal_eval(down.group(1))
        parents = () if value is None else (value,) if isinstance(value, str) else tuple(value)
        graph[revision.group(1)] = parents
    return graph


def heads(graph: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The revisions no other one follows, sorted."""
    followed = {parent for parents in graph.values() for parent in parents}
    return tuple(sorted(set(graph) - followed))


def plan_revisions(
    static: Mapping[str, tuple[str, ...]], resources: Sequence[RecordedResource]
) -> tuple[dict[str, str | tuple[str, ...]], list[tuple[str, tuple[str, ...]]], tuple[str, ...]]:
    """Where each resource revision goes, and the merge revisions the history needs.

    A revision whose heads were recorded comes after them (after a merge of them when there
    were several), once they are placed; one without (added before migrations) after the one
    placed before it, in the record's order.

    Args:
        static: the revisions the components bring (id -> parents).
        resources: the recorded resources, in order.

    Returns:
        Revision id (see ``revision_ids``) -> what it follows (one id, or ``()`` for none), the
        merge revisions to write as (id, parents), in order, and the heads before the last
        merge (what a revision added now records in ``revises``).
    """
    graph = dict(static)
    merges: list[tuple[str, tuple[str, ...]]] = []

    def merged(parents: tuple[str, ...]) -> str:
        if len(parents) == 1:
            return parents[0]
        revision = merge_id(parents)
        if revision not in graph:
            graph[revision] = parents
            merges.append((revision, parents))
        return revision

    pending = [entry for resource in resources for entry in _revisions_recorded(resource)]
    ours = {revision for revision, _ in pending}
    follows: dict[str, str | tuple[str, ...]] = {}
    previous = FIRST_REVISION if FIRST_REVISION in graph else None
    while pending:
        # The first whose recorded heads are all placed (those that no longer exist, such as a
        # removed extension's, are left out).
        ready = next(
            (
                entry
                for entry in pending
                if all(p in graph for p in entry[1] if p in graph or p in ours)
            ),
            pending[0],
        )
        pending.remove(ready)
        revision, revises = ready
        parents = tuple(sorted(p for p in revises if p in graph))
        if not parents:
            parents = (previous,) if previous else ()
        parent = merged(parents) if parents else None
        graph[revision] = (parent,) if parent else ()
        follows[revision] = parent or ()
        previous = revision
    ends = heads(graph)
    if len(ends) > 1:
        merged(ends)
    return follows, merges, ends


def render_resources(
    root: Path,
    context: Mapping[str, Any],
    files: dict[str, RenderedFile],
    resources: Sequence[RecordedResource],
) -> None:
    """Render ``templates/resource/`` for the recorded resources into ``files`` (the project's).

    Each resource the project has (``context["resources"]``) gets ``files/``, and the
    ``files-with-<extension>/`` folders of the extensions the project has. With migrations,
    every resource of the record, removed ones included, gets its revisions (``create/``,
    ``addition/``, and ``drop/`` once removed), and the history the merge revisions it needs.
    """
    folder = root / "resource"
    extensions = set(context["extensions"])
    owner = dict.fromkeys(files, "a component")
    static = revisions_of({p: f.content for p, f in files.items()})
    for resource in context["resources"]:
        local = {**context, "resource": resource}
        label = f"resource {resource['plural']!r}"
        render_folder(folder / "files", local, files, owner, label)
        for extra in sorted(folder.glob("files-with-*")):
            if extra.name.removeprefix("files-with-") in extensions:
                render_folder(extra, local, files, owner, label)
    if "migrations" not in extensions:
        return
    follows, merges, _ = plan_revisions(static, resources)
    names = [r.name for r in resources]
    for recorded in resources:
        table = _table(recorded, names)
        label = f"revisions of {recorded.name!r}"
        created = {**table, **_revision(follows[revision_id(recorded)])}
        render_folder(folder / "create", {**context, "resource": created}, files, owner, label)
        columns = {f["name"]: f for f in table["fields"]}
        for addition in recorded.additions:
            revision = addition_id(recorded, addition)
            added = [columns[spec.split(":")[0]] for spec in addition.fields]
            local = {
                **context,
                "resource": table,
                "addition": {"revision": revision, "fields": added, **_revision(follows[revision])},
            }
            render_folder(folder / "addition", local, files, owner, label)
        if recorded.removed:
            revision = drop_id(recorded)
            local = {
                **context,
                "resource": table,
                "drop": {"revision": revision, **_revision(follows[revision])},
            }
            render_folder(folder / "drop", local, files, owner, label)
    for revision, parents in merges:
        local = {**context, "merge": {"revision": revision, "parents": list(parents)}}
        render_folder(folder / "merge", local, files, owner, f"merge {revision}")


def _table(resource: RecordedResource, names: Sequence[str]) -> dict[str, Any]:
    """What the revisions of ``resource`` say about its table: its name, columns and creation.

    Args:
        resource: a recorded resource, removed or not.
        names: every resource of the record (those its references name among them).
    """
    parsed = parse_fields(resource.all_fields, resource=resource.name, resources=names)
    fields = [_field(f, resource.name) for f in parsed]
    return {
        "plural": resource.name,
        "fields": fields,
        # Those its table was created with (its first revision's); the others came later, each
        # as a nullable column.
        "created_fields": fields[: len(resource.fields)],
        "added_fields": fields[len(resource.fields) :],
        "revision": revision_id(resource),
    }


def _revision(parent: str | tuple[str, ...]) -> dict[str, str]:
    """What a revision file says it follows: ``down_revision``'s source, and for its docstring."""
    return {
        "down_revision": _down(parent),
        "revises": ", ".join([parent] if isinstance(parent, str) else parent),
    }


def _down(parent: str | tuple[str, ...]) -> str:
    """``down_revision``'s value as Python source."""
    if isinstance(parent, str):
        return literal(parent)
    return "None" if not parent else "(" + ", ".join(literal(p) for p in parent) + ")"
