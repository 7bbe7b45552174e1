"""The code ``add-resource`` writes passes the project's own ruff, whatever the resource's name.

Rendered from a record, nothing installed: two resources (the second with one field of each
type, a reference to the first among them) for the bare service and for every extension; then
``ruff check`` and ``ruff format --check`` on their files with the project's ``pyproject.toml``.
The resources' names decide where their imports sort and how long their lines are, so the
names are chosen to fall on either side of the names they are imported with; and resources,
fields and the package are named with every length up to the longest accepted, with fields
added later and a resource dropped, so that each line the templates wrap (``{% fit %}``) is
tried on either side of its wrap.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from flaskforge import load_catalogue
from flaskforge._project import render_project
from flaskforge._record import ProjectRecord, RecordedResource, ResourceAddition
from flaskforge._resources import ENUM_VALUE_MAX, NAME_MAX
from tests.generated import FIELDS_OF_EACH_TYPE, everything

SELECTIONS = {"bare": (), "everything": tuple(everything()[0])}
#: ``tags`` sorts after ``PageArgsSchema`` and ``validate_page``, which the routes import with
#: it (``customers``, before them, is the end-to-end tests' name); ``addresses`` is irregular.
NAMES = ("addresses", "tags")
#: The longest project name ``new`` accepts: the package's name is in every import.
LONG_PACKAGE = "payments_and_billing_for_the_shops_of_every_country_in_the_world"
#: Thirty characters each, cut to every length.
TARGET_WORDS = "customer_accounts_of_the_shops"
REFERRER_WORDS = "purchase_orders_from_the_shops"
DROPPED_WORDS = "dropped_records_from_the_shops"
#: The head a dropped resource's revision comes after.
REVISION = "0123456789ab"


def _of_length(length: int, words: str) -> str:
    """A plural name of ``length`` characters cut from ``words`` (30 of them)."""
    stem = words[: length - 1]
    return (stem[:-1] + "x" if stem[-1] in "_s" else stem) + "s"


#: A pair of resources for each length of name from 3 to 30, the longest the name check accepts:
#: a line built from names is wrapped at one length and not at the next, so each one is tried.
EVERY_LENGTH = tuple(
    (_of_length(n, TARGET_WORDS), _of_length(n, REFERRER_WORDS)) for n in range(3, NAME_MAX + 1)
)


#: Enums at both ends: values as long as accepted, and many short ones.
LONG_ENUMS = (
    "enum:" + ",".join(letter * ENUM_VALUE_MAX for letter in "pqr"),
    "enum:" + ",".join(f"value{number}" for number in range(40)),
)


def _fields_named_with(length: int, target: str, filler: str = "x") -> tuple[str, ...]:
    """One field of each type, a reference to ``target`` and long enums, named with ``length``
    characters each (a letter from ``a`` on, then ``filler``)."""
    types = [spec.partition(":")[2] for spec in FIELDS_OF_EACH_TYPE]
    types += [f"ref:{target}", *LONG_ENUMS]
    return tuple(f"{chr(ord('a') + k)}{filler * (length - 1)}:{t}" for k, t in enumerate(types))


def _with_long_fields(target: str, referrer: str) -> list[RecordedResource]:
    """``referrer`` with fields named as long as its name, made then added to (each with its
    revision), and one more resource of that length, dropped (its revisions stay)."""
    made = _fields_named_with(len(referrer), target)
    added = tuple(
        f"{spec.removesuffix('?')}?" for spec in _fields_named_with(len(referrer), target, "y")
    )
    dropped = _of_length(len(referrer), DROPPED_WORDS)
    return [
        RecordedResource(referrer, made, additions=(ResourceAddition(added),)),
        RecordedResource(dropped, made, dropped=(REVISION,)),
    ]


def _lint(
    tmp_path: Path,
    extensions: tuple[str, ...],
    pairs: tuple[tuple[str, str], ...],
    package: str,
    field_lengths: bool = False,
) -> str:
    """ruff's complaints about the resources' files, or "" when it has none.

    Each pair is a target resource and a referrer with one field of each type, a reference to
    the target among them; with ``field_lengths``, the fields' names are as long as the
    resources' and the enums as long as accepted.
    """
    resources = []
    for target, referrer in pairs:
        resources.append(RecordedResource(target, ("name:str:120", f"parent_id:ref:{target}?")))
        if field_lengths:
            resources += _with_long_fields(target, referrer)
        else:
            fields = (*FIELDS_OF_EACH_TYPE, f"owner_id:ref:{target}")
            resources.append(RecordedResource(referrer, fields))
    record = ProjectRecord(
        "0.1.0", package, package, "Demo", extensions, (), resources=tuple(resources)
    )
    files = render_project(load_catalogue(), record)
    names = {resource.name for resource in resources}
    wanted = [p for p in files if p == "pyproject.toml" or _of_a_resource(p, names)]
    for path in wanted:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(files[path].content)
    complaints = []
    for command in (["check", "--output-format=concise"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            complaints.append(done.stdout + done.stderr)
    return "\n".join(complaints)


def _of_a_resource(path: str, names: set[str]) -> bool:
    """Whether ``path`` is one of the resources': its package, its tests, its revisions."""
    parts = PurePosixPath(path)
    return bool(names & set(parts.parts)) or any(parts.stem.endswith(f"_{n}") for n in names)


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_the_resources_files_pass_the_project_s_ruff(tmp_path: Path, selection: str) -> None:
    assert _lint(tmp_path, SELECTIONS[selection], (NAMES,), "demo") == ""


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_names_of_every_length_pass_the_project_s_ruff(tmp_path: Path, selection: str) -> None:
    # Resources, their fields and the package named as long as accepted, and every length
    # between for the resources and fields.
    pairs = EVERY_LENGTH
    assert _lint(tmp_path, SELECTIONS[selection], pairs, LONG_PACKAGE, field_lengths=True) == ""
