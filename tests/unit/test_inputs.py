"""Whatever a user types is either refused at once, on one line, or round-trips through the
record (``.flaskforge.toml``) and every generated TOML file.

Property tests over generated strings (hypothesis), then the real command with the bytes a
hostile shell passes (``$'desc\\x7fend'``, ESC, an undecodable byte).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flaskforge import __version__, load_catalogue
from flaskforge._context import template_context
from flaskforge._naming import parse_description, parse_project_name
from flaskforge._record import ProjectRecord, dump_record, parse_record, toml_string
from flaskforge._render import render_string
from flaskforge._selection import Selection
from flaskforge.errors import InvalidDescription, InvalidProjectName, UsageError

T = TypeVar("T")

PYPROJECT = "base/files/pyproject.toml.jinja"

# Characters that have been trouble: DEL and ESC, a lone surrogate (undecodable argv bytes),
# a bidirectional override, a character beyond U+FFFF (a surrogate pair in JSON), quotes,
# backslashes, TOML's own escape syntax and Jinja's delimiters.
TROUBLE = [
    "desc\x7fend",
    "\x1b[31mred",
    "d\udcffx",
    "abc\u202edef",
    "smile 😀",
    'q"\\u0041\\',
    "{{ x }}",
]


def _refused(parse: Callable[[str], T], text: str) -> tuple[T | None, UsageError | None]:
    """What ``parse`` makes of ``text``, or the usage error it raises."""
    try:
        return parse(text), None
    except UsageError as error:
        return None, error


def _assert_one_line_usage_error(error: UsageError) -> None:
    assert "\n" not in str(error)
    assert error.exit_code == 2


def _record(name: str = "svc", package: str = "svc", description: str = "d") -> ProjectRecord:
    return ProjectRecord(__version__, name, package, description, ("caching",), ("docker",))


@settings(max_examples=300)
@given(st.text())
@example("desc\x7fend")
@example("\udcff")
@example("😀")
@example('"""\\')
def test_a_description_is_refused_or_round_trips(text: str) -> None:
    description, error = _refused(parse_description, text)
    if description is None:
        assert isinstance(error, InvalidDescription)
        _assert_one_line_usage_error(error)
        assert not error.character.isprintable()
        assert error.character != " "
        return
    assert description.isprintable() or description == ""
    record = _record(description=description)
    assert parse_record(dump_record(record)) == record
    assert tomllib.loads("d = " + toml_string(description))["d"] == description


@settings(max_examples=300)
@given(st.text() | st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,70}", fullmatch=True))
def test_a_project_name_is_refused_or_round_trips(name: str) -> None:
    parsed, error = _refused(parse_project_name, name)
    if parsed is None:
        assert isinstance(error, InvalidProjectName)
        _assert_one_line_usage_error(error)
        return
    record = _record(parsed.project, parsed.package)
    read = parse_record(dump_record(record))
    assert read == record
    # What add-extension checks before it trusts the record.
    assert parse_project_name(read.project_name).package == read.package_name
    assert read.package_name.isidentifier()


@pytest.mark.parametrize("text", [t for t in TROUBLE if t.isprintable()])
def test_printable_descriptions_reach_pyproject_toml_intact(text: str) -> None:
    catalogue = load_catalogue()
    context = template_context(
        catalogue, parse_project_name("svc"), text, Selection((), ()), __version__
    )
    template = (catalogue.root / PYPROJECT).read_text(encoding="utf-8")
    rendered = tomllib.loads(render_string(template, context, PYPROJECT))
    assert rendered["project"]["description"] == text


@pytest.mark.parametrize(
    ("argument", "character"),
    [
        (b"desc\x7fend", "U+007F"),
        (b"\x1b[31mred", "U+001B"),
        (b"desc\xffend", "U+DCFF"),  # not UTF-8: Python reads it as a lone surrogate
        (b"tab\there", "U+0009"),
        (b"two\nlines", "U+000A"),
        ("abc\u202edef".encode(), "U+202E"),
    ],
    ids=["DEL", "ESC", "undecodable-byte", "tab", "newline", "bidi-override"],
)
def test_unprintable_descriptions_are_refused_before_anything_is_written(
    tmp_path: Path, argument: bytes, character: str
) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "flaskforge", "new", "svc", "--defaults", "--no-git"]
    done = subprocess.run(
        [*(c.encode() for c in command), b"-o", bytes(out), b"--description", argument],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    message = done.stderr.decode("utf-8")
    assert message.startswith("Error: Invalid description: character ")
    assert f" is {character}, which is not printable text on one line." in message
    assert message.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    "argument", [b"out\x1b]0;pwned\x07", b"out\xff"], ids=["terminal-escape", "undecodable-byte"]
)
def test_unprintable_output_dirs_are_refused(tmp_path: Path, argument: bytes) -> None:
    command = [sys.executable, "-m", "flaskforge", "new", "svc", "--defaults", "--no-git", "-o"]
    done = subprocess.run(
        [*(c.encode() for c in command), argument], cwd=tmp_path, capture_output=True, check=False
    )
    assert done.returncode == 2
    message = done.stderr.decode("utf-8")
    assert message.startswith("Error: Output directory '")
    assert "holds the unprintable character U+" in message
    assert message.count("\n") == 1
    assert "\x1b" not in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "folder", [b"no\x1b[2Jpe", b"no\xffpe", "no\u202epe".encode()], ids=["ESC", "byte", "bidi"]
)
def test_a_message_quoting_what_was_typed_never_acts_on_the_terminal(
    tmp_path: Path, folder: bytes
) -> None:
    # add-extension -C names the folder in its error: it must show as text, on one line.
    command = [sys.executable, "-m", "flaskforge", "add-extension", "caching", "-C"]
    done = subprocess.run(
        [*(c.encode() for c in command), folder], cwd=tmp_path, capture_output=True, check=False
    )
    assert done.returncode == 1
    message = done.stderr.decode("utf-8")
    assert message.startswith("Error: no\\")
    assert message.count("\n") == 1
    assert message[:-1].isprintable()
    assert list(tmp_path.iterdir()) == []
