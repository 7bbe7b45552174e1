from __future__ import annotations

import re
from pathlib import Path

import pytest

from flaskforge._render import render_components
from flaskforge.errors import RenderError
from tests.helpers import extension, make_catalogue


def _render(tmp_path: Path, files: dict[str, str | bytes], context: dict | None = None):
    catalogue = make_catalogue(tmp_path, {"extensions/a/manifest.toml": extension("a"), **files})
    ctx = {"project_name": "my-svc", "package_name": "my_svc", **(context or {})}
    return render_components([catalogue.base, catalogue.get("extension", "a")], ctx)


def test_jinja_files_are_rendered_and_lose_the_suffix(tmp_path: Path) -> None:
    template = "extensions/a/files/src/{{ package_name }}/mod.py.jinja"
    files = _render(tmp_path, {template: "X = '{{ project_name }}'\n"})
    assert files["src/my_svc/mod.py"].content == b"X = 'my-svc'\n"
    assert files["README.md"].content == b"# my-svc\n"


def test_other_files_are_copied_byte_for_byte(tmp_path: Path) -> None:
    raw = b"literal {{ not_a_variable }}\r\n\x00\xff"
    files = _render(tmp_path, {"extensions/a/files/data.bin": raw})
    assert files["data.bin"].content == raw


def test_an_undefined_variable_is_an_error_not_an_empty_string(tmp_path: Path) -> None:
    with pytest.raises(
        RenderError,
        match=re.escape("Template 'mod.py.jinja' failed to render: 'missing' is undefined"),
    ):
        _render(tmp_path, {"extensions/a/files/mod.py.jinja": "{{ missing }}\n"})


def test_a_path_segment_that_renders_empty_skips_the_file(tmp_path: Path) -> None:
    conditional = "extensions/a/files/{% if with_db %}db{% endif %}/schema.sql"
    assert "db/schema.sql" in _render(tmp_path, {conditional: "x"}, {"with_db": True})
    assert "db/schema.sql" not in _render(tmp_path, {conditional: "x"}, {"with_db": False})
    assert list(_render(tmp_path, {conditional: "x"}, {"with_db": False})) == ["README.md"]


def test_executable_bits_are_kept(tmp_path: Path) -> None:
    script = tmp_path / "extensions/a/files/run.sh"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    files = _render(tmp_path, {})
    assert files["run.sh"].executable
    assert not files["README.md"].executable


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    tree = {f"extensions/a/files/f{i}.txt.jinja": "{{ project_name }}\n" for i in range(20)}
    first = _render(tmp_path, tree)
    second = _render(tmp_path, tree)
    assert list(first) == sorted(first)
    assert first == second
