"""The modules a generated project imports from its dependencies, from the catalogue's table.

``templates/import-names.toml`` lists, for every distribution a generated project may install
(the pinned dependencies of every component, theirs, and the dev tools), the top-level modules
it provides. A project package with one of those names would shadow the module.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from flaskforge.errors import CatalogueError

IMPORT_NAMES_FILE = "import-names.toml"


@cache
def installed_modules(root: Path) -> dict[str, str]:
    """Every top-level module of the table in ``root``, with the distribution providing it.

    A catalogue without the table has no modules to protect (the small catalogues tests build);
    the shipped one has it, and a test checks that it covers every pinned distribution.

    Raises:
        CatalogueError: the table is malformed.
    """
    path = root / IMPORT_NAMES_FILE
    if not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError([f"cannot read {path}: {error}"]) from None
    modules: dict[str, str] = {}
    for distribution, names in sorted(table.items()):
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise CatalogueError([f"{path}: {distribution!r} must be a list of module names"])
        for name in names:
            modules.setdefault(name, distribution)
    return modules
