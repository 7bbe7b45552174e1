from __future__ import annotations

import re
from pathlib import Path

import pytest

from flaskforge._render import LINE_LENGTH, render_components, render_string
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


def test_files_with_another_component_come_only_with_it(tmp_path: Path) -> None:
    catalogue = make_catalogue(
        tmp_path,
        {
            "extensions/a/manifest.toml": extension("a"),
            "extensions/a/files/a.txt": "always\n",
            "extensions/a/files-with-b/ab.txt.jinja": "{{ project_name }} with b\n",
            "extensions/b/manifest.toml": extension("b"),
        },
    )
    a, b = catalogue.get("extension", "a"), catalogue.get("extension", "b")
    context = {"project_name": "my-svc"}

    alone = render_components([catalogue.base, a], context)
    together = render_components([catalogue.base, a, b], context)

    assert sorted(alone) == ["README.md", "a.txt"]
    assert sorted(together) == ["README.md", "a.txt", "ab.txt"]
    assert together["ab.txt"].content == b"my-svc with b\n"


def test_a_path_that_renders_with_an_empty_part_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(
        RenderError, match=re.escape("renders with an empty part: 'db//schema.sql'")
    ):
        _render(tmp_path, {"extensions/a/files/db/{{ nothing }}/schema.sql": "x"}, {"nothing": ""})


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


FIT = """\
    {% fit %}
    call({{ name }})
    {% or %}
    call(
        {{ name }}
    )
    {% or %}
    call(
        {{ name }},
    )
    {% endfit %}
done
"""


@pytest.mark.parametrize(
    ("length", "layout"),
    [
        (LINE_LENGTH - len("    call()"), 0),  # the flat line is exactly as long as allowed
        (LINE_LENGTH - len("    call()") + 1, 1),
        (LINE_LENGTH - 8, 1),
        (LINE_LENGTH - 8 + 1, 2),  # none fits: the last
    ],
)
def test_fit_keeps_the_first_layout_whose_lines_all_fit(length: int, layout: int) -> None:
    name = "n" * length
    layouts = [
        f"    call({name})\n",
        f"    call(\n        {name}\n    )\n",
        f"    call(\n        {name},\n    )\n",
    ]
    assert render_string(FIT, {"name": name}, "fit") == layouts[layout] + "done\n"


def test_fit_with_one_layout_keeps_it() -> None:
    assert render_string("{% fit %}\nx\n{% endfit %}\n", {}, "t") == "x\n"


def test_an_unclosed_fit_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="endfit"):
        render_string("{% fit %}\nx\n{% or %}\ny\n", {}, "broken.py.jinja")
