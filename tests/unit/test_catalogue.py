"""The catalogue mechanism on small inline catalogues, and the shipped catalogue as a whole.

That every template of the shipped catalogue renders is a render test:
``tests/render/test_generated_tree.py``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from flaskforge._catalogue import load_catalogue
from flaskforge._project import render_project
from flaskforge._record import ProjectRecord
from flaskforge._selection import Selection, resolve
from flaskforge.errors import CatalogueError
from tests.helpers import extension, make_catalogue

# --- the shipped catalogue -------------------------------------------------------------------


def test_shipped_catalogue_is_consistent() -> None:
    catalogue = load_catalogue()
    assert catalogue.base.name == "base"
    names = [c.name for c in catalogue.extensions]
    assert names == sorted(names)


# --- the checks, on inline catalogues ---------------------------------------------------------


def _problems(tmp_path: Path, files: dict[str, str]) -> str:
    with pytest.raises(CatalogueError) as caught:
        make_catalogue(tmp_path, files)
    return str(caught.value)


def test_a_valid_inline_catalogue_loads(tmp_path: Path) -> None:
    catalogue = make_catalogue(
        tmp_path,
        {
            "extensions/cache/manifest.toml": extension("cache", recommended=True),
            "extensions/db/manifest.toml": extension("db"),
            "extensions/orm/manifest.toml": extension("orm", requires=["db"]),
            "targets/docker/manifest.toml": extension("docker"),
            "targets/kubernetes/manifest.toml": extension(
                "kubernetes", aliases=["k8s"], requires=["docker"]
            ),
        },
    )
    assert [c.name for c in catalogue.extensions] == ["cache", "db", "orm"]
    assert catalogue.get("extension", "orm").requires == ("db",)
    assert catalogue.get("target", "kubernetes").aliases == ("k8s",)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"extensions/a/manifest.toml": extension("a", requires=["ghost"])},
            "refers to unknown extension 'ghost'",
            id="unknown-requirement",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a", requires=["b"]),
                "extensions/b/manifest.toml": extension("b", requires=["a"]),
            },
            "cycle: a -> b -> a",
            id="cycle",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a", conflicts=["b"]),
                "extensions/b/manifest.toml": extension("b"),
            },
            "conflicts with 'b' but not the reverse",
            id="asymmetric-conflict",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a", dependencies=["requests>=2"])},
            "is not pinned",
            id="unpinned-dependency",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("b")},
            "differs from its folder name",
            id="name-mismatch",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a", colour="red")},
            "unknown key 'colour'",
            id="unknown-key",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a", services=["mongodb"])},
            "unknown service 'mongodb'",
            id="unknown-service",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + '[[settings]]\nname = "SECRET_KEY"\nhelp = "again"\n',
            },
            "setting SECRET_KEY declared by both",
            id="duplicate-setting",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + '[[settings]]\nname = "TOKEN"\nsecret = true\ndefault = "x"\nhelp = "h"\n',
            },
            "must not have a default",
            id="secret-with-default",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + '[[settings]]\nname = "lower"\nhelp = "h"\n',
            },
            "is not UPPER_SNAKE_CASE",
            id="setting-name",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + '[[settings]]\nname = "N"\ntype = "decimal"\nhelp = "h"\n',
            },
            "unknown type 'decimal'",
            id="setting-type",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + '[[settings]]\nname = "TOKEN"\nsecret = true\nrequired_unless = "KEY"\n'
                + 'help = "h"\n',
            },
            "required_unless 'KEY', which is not another setting of 'a'",
            id="required-unless-unknown",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + '[[settings]]\nname = "KEY"\nhelp = "h"\n'
                + '[[settings]]\nname = "MODE"\nrequired_unless = "KEY"\nhelp = "h"\n',
            },
            "setting MODE has required_unless but is not secret",
            id="required-unless-not-secret",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a"),
                "extensions/a/files/README.md": "clash\n",
            },
            "file README.md comes from both",
            id="file-clash",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a", dependencies=["redis==8.1.0"]),
                "extensions/b/manifest.toml": extension("b", dependencies=["redis==7.0.0"]),
            },
            "pins redis==7.0.0 but extension 'a' pins redis==8.1.0",
            id="conflicting-pins",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a", dependencies=["psycopg==3.3.9"]),
                "extensions/b/manifest.toml": extension(
                    "b", dev_dependencies=["Psycopg[binary]==3.2.0"]
                ),
            },
            "pins Psycopg[binary]==3.2.0 but extension 'a' pins psycopg==3.3.9",
            id="conflicting-pins-with-extras",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a", system_packages=["libpq5 && curl"])},
            "system package 'libpq5 && curl' is not a Debian package name",
            id="system-package-name",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": "name = [broken\n"},
            "cannot read",
            id="invalid-toml",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + '[[processes]]\nname = "w"\nkind = "daemon"\ncommand = ["x"]\n',
            },
            "unknown kind 'daemon'",
            id="process-kind",
        ),
    ],
)
def test_catalogue_problems_are_reported(tmp_path: Path, files, expected: str) -> None:
    assert expected in _problems(tmp_path, files)


def test_the_same_pin_with_other_extras_agrees(tmp_path: Path) -> None:
    files = {
        "extensions/a/manifest.toml": extension("a", dependencies=["psycopg==3.3.9"]),
        "extensions/b/manifest.toml": extension("b", dev_dependencies=["psycopg[binary]==3.3.9"]),
    }
    assert [c.name for c in make_catalogue(tmp_path, files).extensions] == ["a", "b"]


def test_a_service_brings_its_settings_once_for_all_who_need_it(tmp_path: Path) -> None:

    catalogue = make_catalogue(
        tmp_path,
        {
            "services/redis/manifest.toml": extension("redis")
            + '[[settings]]\nname = "REDIS_URL"\nsecret = true\nhelp = "h"\n',
            "extensions/cache/manifest.toml": extension("cache", services=["redis"]),
            "extensions/limits/manifest.toml": extension("limits", services=["redis"]),
            "extensions/plain/manifest.toml": extension("plain"),
        },
    )
    both = resolve(catalogue, extensions=["cache", "limits"], targets=["none"])
    names = [c.name for c in both.components(catalogue)]
    assert names == ["base", "redis", "cache", "limits"]
    plain = resolve(catalogue, extensions=["plain"], targets=["none"])
    assert [c.name for c in plain.components(catalogue)] == ["base", "plain"]


def test_system_packages_reach_templates_sorted_and_once(tmp_path: Path) -> None:
    catalogue = make_catalogue(
        tmp_path,
        {
            "base/files/packages.txt.jinja": "[{{ system_packages | join(' ') }}]\n",
            "services/pg/manifest.toml": extension("pg", system_packages=["libpq5"]),
            "extensions/db/manifest.toml": extension(
                "db", services=["pg"], system_packages=["zlib1g", "libpq5"]
            ),
            "extensions/plain/manifest.toml": extension("plain"),
        },
    )

    def packages(*extensions: str) -> bytes:
        record = ProjectRecord("0.0.0", "probe-svc", "probe_svc", "Probe", extensions, ())
        return render_project(catalogue, record)["packages.txt"].content

    assert packages("db", "plain") == b"[libpq5 zlib1g]\n"
    assert packages("plain") == b"[]\n"


def test_postgres_driver_uses_the_system_libpq_at_run_time() -> None:
    # The runtime pins get psycopg without a libpq of its own (the OS patches the system's);
    # dev and CI get the self-contained build, at the very version psycopg requires of it.
    catalogue = load_catalogue()
    database = catalogue.get("extension", "database")
    (runtime,) = [d for d in database.dependencies if d.lower().startswith("psycopg")]
    (dev,) = [d for d in database.dev_dependencies if d.lower().startswith("psycopg")]
    assert runtime.startswith("psycopg==")
    assert dev == runtime.replace("psycopg==", "psycopg-binary==")
    assert "libpq5" in catalogue.get("service", "postgres").system_packages


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    message = _problems(
        tmp_path,
        {
            "extensions/a/manifest.toml": extension("a", requires=["ghost"]),
            "extensions/b/manifest.toml": extension("b", dependencies=["x"]),
        },
    )
    assert "unknown extension 'ghost'" in message
    assert "is not pinned" in message


def test_combinations_of_the_shipped_catalogue_resolve() -> None:
    # Every pair either resolves or is refused as a conflict: never a crash.
    from flaskforge.errors import ConflictingChoices

    catalogue = load_catalogue()
    names = [c.name for c in catalogue.extensions]
    for pair in itertools.combinations(names, 2):
        try:
            selection = resolve(catalogue, extensions=list(pair), targets=["none"])
        except ConflictingChoices:
            continue
        assert set(pair) <= set(selection.extensions)
        assert isinstance(selection, Selection)
