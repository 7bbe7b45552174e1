"""Whatever a user types is either refused at once, on one line, or round-trips through the
record (``.flaskforge.toml``) and every generated TOML file.

Property tests over generated strings (hypothesis), then the command given the bytes a hostile
shell passes (``$'desc\\x7fend'``, ESC, an undecodable byte): as a real process where bytes
that are not UTF-8 must go through Python's own argv decoding, in-process otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flaskforge import __version__, load_catalogue
from flaskforge._context import template_context
from flaskforge._naming import parse_description, parse_project_name
from flaskforge._record import ProjectRecord, dump_record, parse_record, toml_string
from flaskforge._render import render_string
from flaskforge._selection import Selection
from flaskforge.cli import cli
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


def _run(argv: list[bytes], cwd: Path, *, process: bool) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``flaskforge`` given ``argv`` as a shell passes bytes.

    A real process is what a user runs; only it shows how Python decodes bytes that are not
    UTF-8 in ``sys.argv`` and how a lone surrogate reaches stderr. For everything else the
    same bytes, decoded as Python decodes argv (``os.fsdecode``), go through ``CliRunner``,
    about 0.3 s faster per case.
    """
    if process:
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"flaskforge", *argv],
            cwd=cwd,
            capture_output=True,
            check=False,
        )
        return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        result = CliRunner().invoke(cli, [os.fsdecode(arg) for arg in argv])
    return result.exit_code, result.stdout, result.stderr


# Bytes that are not UTF-8 reach Python's argv as lone surrogates: those cases run the real
# process (see ``_run``).
def _needs_a_process(argument: bytes) -> bool:
    try:
        argument.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


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
    argv = [b"new", b"svc", b"--defaults", b"--no-git", b"-o", bytes(out), b"--description"]
    status, stdout, message = _run([*argv, argument], tmp_path, process=_needs_a_process(argument))
    assert status == 2
    assert stdout == ""
    assert message.startswith("Error: Invalid description: character ")
    assert f" is {character}, which is not printable text on one line." in message
    assert message.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    "argument", [b"out\x1b]0;pwned\x07", b"out\xff"], ids=["terminal-escape", "undecodable-byte"]
)
def test_unprintable_output_dirs_are_refused(tmp_path: Path, argument: bytes) -> None:
    argv = [b"new", b"svc", b"--defaults", b"--no-git", b"-o", argument]
    status, _, message = _run(argv, tmp_path, process=_needs_a_process(argument))
    assert status == 2
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
    argv = [b"add-extension", b"caching", b"-C", folder]
    status, _, message = _run(argv, tmp_path, process=_needs_a_process(folder))
    assert status == 1
    assert message.startswith("Error: no\\")
    assert message.count("\n") == 1
    assert message[:-1].isprintable()
    assert list(tmp_path.iterdir()) == []
