"""Build small catalogues inline, so a test shows all the data it depends on."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

from flaskforge._catalogue import Catalogue, load_catalogue

BASE_MANIFEST = """
name = "base"
summary = "The base"
dependencies = ["Flask==3.1.3"]
dev_dependencies = ["pytest==9.2.0"]

[[settings]]
name = "SECRET_KEY"
secret = true
help = "Signing key."
"""


def build_tree(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``{relative path: content}`` below ``root``; text is dedented."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


def make_catalogue(root: Path, files: Mapping[str, str | bytes]) -> Catalogue:
    """A catalogue from inline files; a minimal base is added unless ``files`` has one."""
    tree = dict(files)
    tree.setdefault("base/manifest.toml", BASE_MANIFEST)
    tree.setdefault("base/files/README.md.jinja", "# {{ project_name }}\n")
    build_tree(root, tree)
    load_catalogue.cache_clear()
    return load_catalogue(root)


def extension(name: str, **fields: object) -> str:
    """A minimal extension manifest with ``fields`` added (lists and strings only)."""
    lines = [f'name = "{name}"', f'summary = "The {name} extension"']
    for key, value in fields.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, list | tuple):
            lines.append(f"{key} = [" + ", ".join(f'"{v}"' for v in value) + "]")
        else:
            lines.append(f'{key} = "{value}"')
    return "\n".join(lines) + "\n"


def service(name: str, **fields: object) -> str:
    """A minimal backing service manifest: ``<NAME>_URL`` and how compose runs it, inline.

    Everything is a top-level key (inline tables), so a test may append more top-level keys.
    """
    url = f"{name.upper()}_URL"
    container = (
        f'{{ image = "{name}:1", port = 1000, url_setting = "{url}", '
        f'url = "{name}://{name}:1000", host_port = 11000, healthcheck = ["true"] }}'
    )
    return (
        extension(name, **fields)
        + f"container = {container}\n"
        + f'settings = [{{ name = "{url}", secret = true, help = "h" }}]\n'
    )


def uv_command() -> list[str]:
    """How to call uv: on PATH, or as a module of this interpreter. Fails loudly if absent."""
    import importlib.util
    import shutil
    import sys

    found = shutil.which("uv")
    if found:
        return [found]
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    raise AssertionError("uv is required for the end-to-end tests: pip install uv")
