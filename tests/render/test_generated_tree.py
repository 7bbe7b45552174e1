"""The generated tree, bare and with everything selected, read without installing anything.

Each selection is generated once per module and checked as files: no template syntax left,
every Python file compiles, TOML and YAML parse, text is tidy, the same answers give the same
bytes, every setting is listed where a reader looks for it, and README links resolve. The
installed project is checked in ``tests/e2e/test_generated_project.py``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from flaskforge import load_catalogue, plan_project
from flaskforge._project import render_project
from flaskforge._record import ProjectRecord
from flaskforge._selection import resolve_selection
from tests.generated import Generated, bare_or_everything, generate

SELECTIONS = ("bare", "everything")

# A Jinja expression or statement; ``${{ ... }}`` is GitHub Actions' syntax and stays.
_LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|%\}")


@pytest.fixture(scope="module", params=SELECTIONS)
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    out = tmp_path_factory.mktemp(f"render-{request.param}")
    return generate(out, *bare_or_everything(request.param))


def _is_bare(generated: Generated) -> bool:
    return generated.extensions == ("none",) and generated.targets == ("none",)


def test_no_template_syntax_is_left(generated: Generated) -> None:
    leftovers = [
        f"{path}:{number}: {line.strip()}"
        for path, content in generated.files().items()
        for number, line in enumerate(content.decode("utf-8", "replace").splitlines(), 1)
        if _LEFTOVER.search(line)
    ]
    assert not leftovers, "\n".join(leftovers)


def test_every_python_file_compiles(generated: Generated) -> None:
    python = {p: c for p, c in generated.files().items() if p.endswith(".py")}
    assert "src/demo/app.py" in python
    for path, content in python.items():
        compile(content, path, "exec", dont_inherit=True)


def test_every_toml_and_yaml_file_parses(generated: Generated) -> None:
    files = generated.files()
    parsed = 0
    for path, content in files.items():
        if path.endswith(".toml"):
            tomllib.loads(content.decode("utf-8"))
            parsed += 1
        elif path.endswith((".yml", ".yaml")):
            list(yaml.safe_load_all(content.decode("utf-8")))
            parsed += 1
    assert "pyproject.toml" in files
    assert ".github/workflows/ci.yml" in files
    assert parsed >= 3


def test_text_files_are_tidy(generated: Generated) -> None:
    problems = []
    for path, content in generated.files().items():
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not text:
            continue
        if not text.endswith("\n") or text.endswith("\n\n"):
            problems.append(f"{path}: must end with exactly one newline")
        problems.extend(
            f"{path}:{number}: trailing whitespace"
            for number, line in enumerate(text.split("\n"), 1)
            if line != line.rstrip()
        )
    assert not problems, "\n".join(problems)


def test_generation_is_byte_for_byte_deterministic(generated: Generated, tmp_path: Path) -> None:
    again = plan_project(
        "demo", output_dir=tmp_path, extensions=generated.extensions, targets=generated.targets
    )

    assert {path: f.content for path, f in again.files.items()} == generated.files()


def test_env_example_and_readme_list_every_setting(generated: Generated) -> None:
    files = generated.files()
    env_example = files[".env.example"].decode("utf-8")
    readme = files["README.md"].decode("utf-8")
    config = files["src/demo/config.py"].decode("utf-8")

    assert generated.settings
    for setting in generated.settings:
        value = "" if setting.secret else setting.example
        assert f"\n{setting.name}={value}\n" in env_example, setting.name
        assert f"| `{setting.name}` |" in readme, setting.name
        assert f'name="{setting.name}"' in config, setting.name


def test_readme_links_point_at_files_that_exist(generated: Generated) -> None:
    files = generated.files()
    readme = files["README.md"].decode("utf-8")
    links = re.findall(r"\]\(((?:docs|\.github)/[^)#]+)\)", readme)

    for name in generated.extensions if not _is_bare(generated) else []:
        assert f"(docs/extensions/{name}.md)" in readme, name
    missing = sorted(link for link in links if link not in files)
    assert not missing, f"README.md links to missing files: {missing}"


# Every component alone, under StrictUndefined -----------------------------------------------


def _record(extensions: tuple[str, ...], targets: tuple[str, ...]) -> ProjectRecord:
    return ProjectRecord("0.0.0", "probe-svc", "probe_svc", "Probe", extensions, targets)


def _selections() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    catalogue = load_catalogue()
    everything = (
        tuple(c.name for c in catalogue.extensions),
        tuple(c.name for c in catalogue.targets),
    )
    singles = [
        resolve_selection(catalogue, extensions=[c.name], targets=["none"])
        for c in catalogue.extensions
    ] + [
        resolve_selection(catalogue, extensions=["none"], targets=[c.name])
        for c in catalogue.targets
    ]
    return [((), ()), everything, *((s.extensions, s.targets) for s in singles)]


@pytest.mark.parametrize(
    ("extensions", "targets"),
    _selections(),
    ids=lambda value: ",".join(value) or "none",
)
def test_every_template_renders_under_strict_undefined(extensions, targets) -> None:
    # StrictUndefined turns any variable a template lacks into a RenderError here.
    files = render_project(load_catalogue(), _record(extensions, targets))
    for path, file in files.items():
        assert "{{" not in path, path
        assert "{%" not in path, path
        if path.endswith((".py", ".toml", ".md", ".yaml", ".yml", ".txt", ".cfg", ".ini")):
            text = file.content.decode("utf-8")
            assert "{{" not in text.replace("${{", ""), f"unrendered expression in {path}"
            assert "{%" not in text, f"unrendered statement in {path}"
