"""The catalogue mechanism on small inline catalogues, and the shipped catalogue as a whole.

That every template of the shipped catalogue renders is a render test:
``tests/render/test_generated_tree.py``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from flaskforge._catalogue import load_catalogue
from flaskforge._components import PACKAGE_FOLDER
from flaskforge._project import render_project
from flaskforge._record import ProjectRecord
from flaskforge._selection import Selection, resolve_selection
from flaskforge.errors import CatalogueError
from tests.helpers import BASE_MANIFEST, extension, make_catalogue, service

# --- the shipped catalogue -------------------------------------------------------------------


def test_shipped_catalogue_is_consistent() -> None:
    catalogue = load_catalogue()
    assert catalogue.base.name == "base"
    names = [c.name for c in catalogue.extensions]
    assert names == sorted(names)


def test_every_package_file_is_in_the_readme_layout_of_its_component() -> None:
    # The generated README's layout lists what each component adds below src/<package>/: a
    # file there that no entry of its own component covers (itself or a folder holding it)
    # would be missing from the README.
    catalogue = load_catalogue()
    components = (catalogue.base, *catalogue.services, *catalogue.extensions, *catalogue.targets)
    missing = []
    for component in components:
        folders = [("", component.files), *component.files_with]
        for with_name, folder in folders:
            package = folder / PACKAGE_FOLDER
            entries = [e.path for e in component.layout if e.only_with in ("", with_name)]
            for file in sorted(package.rglob("*")) if package.is_dir() else ():
                path = file.relative_to(package).as_posix().removesuffix(".jinja")
                if (
                    file.is_file()
                    and "__pycache__" not in path
                    and not any(
                        entry == path or (entry.endswith("/") and path.startswith(entry))
                        for entry in entries
                    )
                ):
                    missing.append(f"{component.name}: {path}")
    assert not missing, "add [[layout]] entries for:\n" + "\n".join(missing)


def test_layout_entries_and_endpoints_are_read(tmp_path: Path) -> None:
    manifest = (
        extension("a")
        + _LAYOUT.format(path="tasks/")
        + _LAYOUT.format(path="m.py")
        + _LAYOUT.format(path="v.py")
        + 'only_with = "b"\n'
        + '[[endpoints]]\nmethod = "POST"\npath = "/api/v1/tasks"\nanswer = "202"\n'
    )
    catalogue = make_catalogue(
        tmp_path,
        {
            "extensions/a/manifest.toml": manifest,
            "extensions/a/files/src/{{ package_name }}/tasks/__init__.py": "",
            "extensions/a/files/src/{{ package_name }}/m.py.jinja": "",
            "extensions/a/files-with-b/src/{{ package_name }}/v.py": "",
            "extensions/b/manifest.toml": extension("b"),
        },
    )

    a = catalogue.get("extension", "a")
    assert [(e.path, e.only_with) for e in a.layout] == [
        ("tasks/", ""),
        ("m.py", ""),
        ("v.py", "b"),
    ]
    assert [(e.method, e.path, e.answer) for e in a.endpoints] == [("POST", "/api/v1/tasks", "202")]


# --- the checks, on inline catalogues ---------------------------------------------------------

_LAYOUT = '[[layout]]\npath = "{path}"\nabout = "what it is"\n'


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
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a"),
                "extensions/a/files/{% if x %}db{% endif %}/schema.sql": "x",
            },
            "a path may not hold {% %}; put a file that needs another component in"
            " files-with-<other>/",
            id="statement-in-path",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a"),
                "extensions/a/files-with-ghost/schema.sql": "x",
            },
            "extension 'a': files-with-ghost/ names no other component",
            id="files-with-unknown",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a"),
                "extensions/b/manifest.toml": extension("b"),
                "extensions/a/files-with-b/README.md": "clash\n",
            },
            "file README.md comes from both",
            id="files-with-clash",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a") + 'hooks.gunicorn = ["on_starting"]\n'},
            "hooks.gunicorn: 'on_starting' is not one of when_ready",
            id="gunicorn-hook",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a") + 'hooks.cli = ["seed"]\n'},
            "extension 'a' [hooks]: unknown key 'cli'",
            id="hook-point",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a") + 'hooks.openapi = ["describe-it"]\n'},
            "hooks.openapi: 'describe-it' is not a Python name",
            id="hook-name",
        ),
        pytest.param(
            {"targets/t/manifest.toml": extension("t") + 'hooks.openapi = ["describe"]\n'},
            "target 't': 'hooks' is only for extensions",
            id="hook-on-target",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a", entry_points=["tasks/worker"])},
            "entry point 'tasks/worker' is not a dotted module name",
            id="entry-point",
        ),
        pytest.param(
            {"extensions/a/manifest.toml": extension("a") + _LAYOUT.format(path="ghost.py")},
            "layout path 'ghost.py' is not one of the files below files/src/{{ package_name }}/",
            id="layout-file-missing",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a") + _LAYOUT.format(path="a"),
                "extensions/a/files/src/{{ package_name }}/a/m.py": "",
            },
            "layout path 'a' is not one of the files below files/src/{{ package_name }}/"
            " (a folder ends with '/')",
            id="layout-folder-without-slash",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + _LAYOUT.format(path="m.py")
                + 'only_with = "b"\n',
                "extensions/a/files/src/{{ package_name }}/m.py": "",
            },
            "layout path 'm.py': it has no files-with-b/ folder",
            id="layout-only-with-no-folder",
        ),
        pytest.param(
            {
                "extensions/a/manifest.toml": extension("a")
                + '[[endpoints]]\nmethod = "FETCH"\npath = "x"\nanswer = "200"\n'
            },
            "endpoint 'x': method 'FETCH' is not one of",
            id="endpoint",
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
            "services/redis/manifest.toml": service("redis"),
            "extensions/cache/manifest.toml": extension("cache", services=["redis"]),
            "extensions/limits/manifest.toml": extension("limits", services=["redis"]),
            "extensions/plain/manifest.toml": extension("plain"),
        },
    )
    both = resolve_selection(catalogue, extensions=["cache", "limits"], targets=["none"])
    names = [c.name for c in both.components(catalogue)]
    assert names == ["base", "redis", "cache", "limits"]
    plain = resolve_selection(catalogue, extensions=["plain"], targets=["none"])
    assert [c.name for c in plain.components(catalogue)] == ["base", "plain"]


def test_system_packages_reach_templates_sorted_and_once(tmp_path: Path) -> None:
    catalogue = make_catalogue(
        tmp_path,
        {
            "base/files/packages.txt.jinja": "[{{ system_packages | join(' ') }}]\n",
            "services/pg/manifest.toml": service("pg", system_packages=["libpq5"]),
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
            selection = resolve_selection(catalogue, extensions=list(pair), targets=["none"])
        except ConflictingChoices:
            continue
        assert set(pair) <= set(selection.extensions)
        assert isinstance(selection, Selection)


# --- each table against the keys of its own shape --------------------------------------------


def _problem_list(tmp_path: Path, files: dict[str, str]) -> tuple[str, ...]:
    with pytest.raises(CatalogueError) as caught:
        make_catalogue(tmp_path, files)
    return caught.value.problems


_SETTING = '[[settings]]\nname = "X"\nhelp = "h"\n'
_PROCESS = '[[processes]]\nname = "w"\nkind = "worker"\ncommand = ["run"]\n'
#: A value for each key, by the table it belongs in and where that table is.
_KEYS = {
    ("", "at the top level"): {
        "summary": '"s"',
        "requires": '["b"]',
        "conflicts": '["b"]',
        "services": '["redis"]',
        "recommended": "true",
        "dependencies": '["x==1"]',
        "next_steps": '["go"]',
    },
    (_SETTING, "in [[settings]]"): {
        "help": '"h"',
        "default": '"1"',
        "secret": "true",
        "example": '"e"',
        "type": '"int"',
        "required_unless": '"Y"',
    },
    (_PROCESS, "in [[processes]]"): {
        "kind": '"job"',
        "command": '["run"]',
        "healthcheck": '["ok"]',
    },
}
_WHERE = {
    "": "extension 'a'",
    _SETTING: "extension 'a' setting #1",
    _PROCESS: "extension 'a' process #1",
}


#: Keys of a shape above that a service's [container] table has too.
_ALSO_IN = {"command": ("in [container]",), "healthcheck": ("in [container]",)}


def _misplaced_keys() -> list:
    """Every key of each shape written in a table of each other shape, one at a time."""
    cases = []
    for (home, place), keys in _KEYS.items():
        for table in (other for other, _ in _KEYS if other != home):
            for key, value in keys.items():
                manifest = f"{key} = {value}\n" if table == "" else f"{table}{key} = {value}\n"
                places = " or ".join([place, *_ALSO_IN.get(key, ())])
                expected = f"{_WHERE[table]}: unknown key {key!r} (it belongs {places})"
                shape = {"": "top", _SETTING: "setting", _PROCESS: "process"}[table]
                cases.append(pytest.param(manifest, expected, id=f"{key}-in-{shape}"))
    return cases


@pytest.mark.parametrize(("manifest", "expected"), _misplaced_keys())
def test_a_key_in_the_wrong_table_is_refused_with_its_place(
    tmp_path: Path, manifest: str, expected: str
) -> None:
    files = {"extensions/a/manifest.toml": extension("a") + manifest}
    assert _problem_list(tmp_path, files) == (expected,)


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        pytest.param(
            'dependancies = ["x==1"]\n',
            "extension 'a': unknown key 'dependancies' (did you mean 'dependencies'?)",
            id="misspelt",
        ),
        pytest.param('colour = "red"\n', "extension 'a': unknown key 'colour'", id="unknown"),
        pytest.param(
            'requires = "b"\n', "extension 'a': 'requires' must be a list of strings", id="text"
        ),
        pytest.param(
            'recommended = "yes"\n', "extension 'a': 'recommended' must be true or false", id="flag"
        ),
        pytest.param(
            'settings = "X"\n', "extension 'a': 'settings' must be an array of tables", id="tables"
        ),
        pytest.param(
            '[[settings]]\nname = "X"\n',
            "extension 'a' setting #1: 'help' is missing",
            id="setting-without-help",
        ),
        pytest.param(
            _SETTING + 'secret = "yes"\n',
            "extension 'a' setting #1: 'secret' must be true or false",
            id="setting-secret-text",
        ),
        pytest.param(
            '[[processes]]\nname = "w"\nkind = "job"\ncommand = "run"\n',
            "extension 'a' process #1: 'command' must be a list of strings",
            id="process-command-text",
        ),
    ],
)
def test_a_misspelt_missing_or_mistyped_key_is_refused(
    tmp_path: Path, manifest: str, expected: str
) -> None:
    files = {"extensions/a/manifest.toml": extension("a") + manifest}
    assert expected in _problem_list(tmp_path, files)


#: The keys only the components a user chooses (extensions, targets) may have.
_CHOSEN_ONLY = {
    "requires": '["b"]',
    "conflicts": '["b"]',
    "aliases": '["another-name"]',
    "services": '["redis"]',
    "recommended": "true",
}


@pytest.mark.parametrize("key", sorted(_CHOSEN_ONLY))
@pytest.mark.parametrize("kind", ["base", "service"])
def test_the_base_and_services_refuse_the_keys_of_chosen_components(
    tmp_path: Path, kind: str, key: str
) -> None:
    line = f"{key} = {_CHOSEN_ONLY[key]}\n"
    files = {"extensions/b/manifest.toml": extension("b", services=["redis"])}
    files["services/redis/manifest.toml"] = service("redis")
    if kind == "base":
        files["base/manifest.toml"] = line + BASE_MANIFEST
    else:
        files["services/redis/manifest.toml"] += line
    where = "base 'base'" if kind == "base" else "service 'redis'"
    expected = f"{where}: {key!r} is only for extensions and targets"
    assert _problem_list(tmp_path, files) == (expected,)


@pytest.mark.parametrize("key", sorted(_CHOSEN_ONLY))
@pytest.mark.parametrize("kind", ["extension", "target"])
def test_extensions_and_targets_take_the_keys_of_chosen_components(
    tmp_path: Path, kind: str, key: str
) -> None:
    folder = f"{kind}s"
    files = {
        f"{folder}/a/manifest.toml": extension("a") + f"{key} = {_CHOSEN_ONLY[key]}\n",
        f"{folder}/b/manifest.toml": extension("b", conflicts=["a"] if key == "conflicts" else []),
        "services/redis/manifest.toml": service("redis"),
    }
    component = make_catalogue(tmp_path, files).get(kind, "a")  # type: ignore[arg-type]
    assert getattr(component, key) not in ((), False)


def test_of_kind_gives_each_kind_its_own_components() -> None:
    catalogue = load_catalogue()
    assert catalogue.of_kind("base") == (catalogue.base,)
    assert catalogue.of_kind("service") == catalogue.services
    assert catalogue.of_kind("extension") == catalogue.extensions
    assert catalogue.of_kind("target") == catalogue.targets
    assert catalogue.get("base", "base") is catalogue.base
    with pytest.raises(KeyError):
        catalogue.get("base", catalogue.targets[0].name)


# --- a backing service's [container] ---------------------------------------------------------

_CONTAINER = {
    "image": '"redis:7"',
    "port": "6379",
    "url_setting": '"REDIS_URL"',
    "url": '"redis://redis:6379/0"',
    "host_port": "16379",
    "healthcheck": '["redis-cli", "ping"]',
}


def _service_with(container: dict[str, str]) -> dict[str, str]:
    table = "".join(f"{key} = {value}\n" for key, value in container.items())
    manifest = (
        extension("redis")
        + '[[settings]]\nname = "REDIS_URL"\nsecret = true\nhelp = "h"\n'
        + f"[container]\n{table}"
    )
    return {
        "services/redis/manifest.toml": manifest,
        "extensions/b/manifest.toml": extension("b", services=["redis"]),
    }


def test_a_service_container_table_is_read(tmp_path: Path) -> None:
    container = {**_CONTAINER, "environment": '["A=1", "B=${B:-2}"]', "volumes": '["d:/data"]'}
    redis = make_catalogue(tmp_path, _service_with(container)).get("service", "redis")
    assert redis.container is not None
    assert (redis.container.image, redis.container.port) == ("redis:7", 6379)
    assert redis.container.environment == ("A=1", "B=${B:-2}")
    assert redis.container.volumes == ("d:/data",)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            {"image": None}, "service 'redis' [container]: 'image' is missing", id="image"
        ),
        pytest.param(
            {"port": '"6379"'},
            "service 'redis' [container]: 'port' must be a whole number",
            id="port-text",
        ),
        pytest.param(
            {"port": "70000"},
            "service 'redis': container.port 70000 is not a TCP port (1-65535)",
            id="port-range",
        ),
        pytest.param(
            {"url_setting": '"CACHE_URL"'},
            "service 'redis': container.url_setting 'CACHE_URL' is not one of its settings",
            id="url-setting-unknown",
        ),
        pytest.param({"url": None}, "service 'redis' [container]: 'url' is missing", id="url"),
        pytest.param(
            {"host_port": None},
            "service 'redis' [container]: 'host_port' is missing",
            id="host-port",
        ),
        pytest.param(
            {"host_port": "0"},
            "service 'redis': container.host_port 0 is not a TCP port (1-65535)",
            id="host-port-range",
        ),
        pytest.param(
            {"host_port": "true"},
            "service 'redis' [container]: 'host_port' must be a whole number",
            id="host-port-flag",
        ),
        pytest.param(
            {"healthcheck": "[]"},
            "service 'redis': container.healthcheck is empty: compose needs it to wait for the"
            " service",
            id="healthcheck-empty",
        ),
        pytest.param(
            {"environment": '["A"]'},
            "service 'redis': container.environment 'A' is not NAME=value",
            id="environment-line",
        ),
        pytest.param(
            {"volumes": '"d:/data"'},
            "service 'redis' [container]: 'volumes' must be a list of strings",
            id="volumes-text",
        ),
        pytest.param(
            {"imag": '"redis:7"'},
            "service 'redis' [container]: unknown key 'imag' (did you mean 'image'?)",
            id="misspelt",
        ),
    ],
)
def test_a_wrong_container_key_is_refused(
    tmp_path: Path, change: dict[str, str | None], expected: str
) -> None:
    container = {**_CONTAINER, **change}
    files = _service_with({key: value for key, value in container.items() if value is not None})
    assert expected in _problem_list(tmp_path, files)


def test_a_service_without_a_container_is_refused(tmp_path: Path) -> None:
    files = {
        "services/redis/manifest.toml": extension("redis"),
        "extensions/b/manifest.toml": extension("b", services=["redis"]),
    }
    expected = "service 'redis': a service needs a [container] table (how compose runs it)"
    assert _problem_list(tmp_path, files) == (expected,)


def test_only_services_take_a_container(tmp_path: Path) -> None:
    files = {
        "extensions/a/manifest.toml": extension("a")
        + "[container]\n"
        + "".join(f"{key} = {value}\n" for key, value in _CONTAINER.items())
    }
    assert _problem_list(tmp_path, files) == ("extension 'a': 'container' is only for services",)
