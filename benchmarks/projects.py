"""What is measured: generated services and hello-world Flask, each installed as deployed.

A deployed service is installed (not editable) into a virtual environment of its own, its
bytecode compiled as pip compiles it in the generated Dockerfile, and run with production
settings: every secret set, ``DATABASE_URL`` and ``REDIS_URL`` pointing at a real PostgreSQL
and Redis, the tables created the way the deployment's one-shot job creates them. Its test
suite runs in a second environment, installed the way its README tells a developer to.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import textwrap
import tomllib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from flaskforge import create_project, load_catalogue

from .commands import InstalledSize, make_compiled_venv, make_venv, run

#: The generated package's name in every project measured here.
PACKAGE = "demo"
BASELINE = "hello-world Flask"

# Rate limits far above what wrk sends, so that the limiter still counts each request in Redis
# (its cost stays in the figures) but never answers 429.
UNREACHABLE_RATE_LIMIT = "100000000 per minute"

# The baseline: the smallest Flask app that answers the same URLs with the same JSON shapes.
_HELLO_APP = '''
"""Hello-world Flask: the baseline every service figure is compared with."""

from flask import Flask

ITEMS = [{"id": i, "name": f"item {i}", "description": "seeded"} for i in (1, 2, 3)]


def create_app():
    app = Flask(__name__)

    @app.get("/livez")
    def livez():
        return {"status": "alive"}

    @app.get("/api/v1/items")
    def items():
        return {"items": ITEMS}

    return app


app = create_app()
'''

# Run by a service's own Python: the settings of its gunicorn configuration module that are
# plain values (not hooks, not classes), so that hello-world Flask runs under the same ones.
_READ_GUNICORN_SETTINGS = """
import importlib, json, sys
from gunicorn.config import KNOWN_SETTINGS
names = {setting.name for setting in KNOWN_SETTINGS}
module = importlib.import_module(sys.argv[1])
plain = (str, int, float, bool, type(None))
print(json.dumps({k: v for k, v in vars(module).items() if k in names and isinstance(v, plain)}))
"""

# Run by a service's own Python: the top-level modules of the given distributions.
_READ_TOP_LEVEL_MODULES = """
import importlib.metadata, json, re, sys
def norm(name): return re.sub(r"[-_.]+", "-", name).lower()
wanted = {norm(name) for name in sys.argv[1:]}
found = sorted(
    module
    for module, distributions in importlib.metadata.packages_distributions().items()
    if module.isidentifier() and not module.startswith("_")
    and any(norm(d) in wanted for d in distributions)
)
print(json.dumps(found))
"""

# Run by a service's own Python: empty the database (its schema), then let the service create
# its tables the way a deployment's one-shot job does.
_EMPTY_DATABASE = f"""
import os
from sqlalchemy import MetaData, create_engine, text
from {PACKAGE}.extensions.database import database_url
engine = create_engine(database_url({{"APP_ENV": "production", **os.environ}}))
with engine.begin() as connection:
    connection.execute(text("CREATE SCHEMA IF NOT EXISTS " + os.environ["BENCH_SCHEMA"]))
existing = MetaData()
existing.reflect(bind=engine)
existing.drop_all(bind=engine)
engine.dispose()
"""


@dataclass(frozen=True)
class Selection:
    """A choice of extensions and targets, as ``create_project`` takes them.

    ``None`` takes the recommended ones, as ``flaskforge new --defaults`` does.
    """

    name: str
    extensions: list[str] | None
    targets: list[str] | None


def selections(without: frozenset[str] = frozenset()) -> dict[str, Selection]:
    """bare (no extension), defaults (``new --defaults``) and everything (but ``without``).

    Bare and everything take every target, so that both have a Dockerfile to build.
    """
    catalogue = load_catalogue()
    everything: dict[str, list[str]] = {"extensions": [], "targets": []}
    for kind, components in (("extensions", catalogue.extensions), ("targets", catalogue.targets)):
        for component in components:
            # Should two components ever conflict, the first by name is kept.
            if component.name not in without and not set(component.conflicts) & set(
                everything[kind]
            ):
                everything[kind].append(component.name)
    targets = everything["targets"] or ["none"]
    return {
        "bare": Selection("bare", ["none"], targets),
        "defaults": Selection("defaults", None, None),
        "everything": Selection("everything", everything["extensions"], targets),
    }


@dataclass(frozen=True)
class Generated:
    """A generated project and the names of its secret settings."""

    selection: Selection
    root: Path
    secret_names: tuple[str, ...]
    extensions: tuple[str, ...]


def generate(scratch: Path, selection: Selection) -> Generated:
    """Generate ``selection`` as project ``demo`` under ``scratch`` (no git repository)."""
    out = scratch / selection.name
    created = create_project(
        PACKAGE,
        output_dir=out,
        extensions=selection.extensions,
        targets=selection.targets,
        git=False,
    )
    chosen = created.plan.selection
    settings = [s for c in chosen.components(load_catalogue()) for s in c.settings]
    secret_names = tuple(sorted(s.name for s in settings if s.secret))
    return Generated(selection, out / PACKAGE, secret_names, chosen.extensions)


@dataclass(frozen=True)
class Deployed:
    """An app installed as deployed, ready to be served by gunicorn.

    Attributes:
        name: how the figures name it.
        root: the folder gunicorn runs in.
        venv: its virtual environment (runtime dependencies only, compiled).
        wsgi: the WSGI application, as gunicorn takes it.
        gunicorn_config: the configuration, as gunicorn's ``-c`` takes it.
        env: the whole environment it runs with.
        runtime_imports: the top-level modules of its own runtime dependencies.
        size: its installed runtime dependencies.
        extensions: the extensions it was generated with (none for the baseline).
    """

    name: str
    root: Path
    venv: Path
    wsgi: str
    gunicorn_config: str
    env: dict[str, str]
    runtime_imports: tuple[str, ...]
    size: InstalledSize
    extensions: tuple[str, ...] = ()

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def is_baseline(self) -> bool:
        return self.name == BASELINE


def clean_env() -> dict[str, str]:
    """This environment without anything a generated service reads."""
    catalogue = load_catalogue()
    components = (catalogue.base, *catalogue.services, *catalogue.extensions, *catalogue.targets)
    read = {s.name for component in components for s in component.settings}
    read |= {"DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH", "FLASK_APP", "FLASK_DEBUG"}
    return {name: value for name, value in os.environ.items() if name not in read}


def deployment_env() -> dict[str, str]:
    """What every deployed process, the baseline's too, runs with beside its settings."""
    return {
        **clean_env(),
        # One worker: the machine has two cores, one for wrk and one for the worker.
        "WEB_CONCURRENCY": "1",
        # As in the generated image: bytecode is compiled at install time, never written after.
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def production_env(generated: Generated, urls: dict[str, str]) -> dict[str, str]:
    """Production settings: every secret set, the backing services' URLs real ones."""
    env = {**deployment_env(), "APP_ENV": "production", "RATELIMIT_DEFAULT": UNREACHABLE_RATE_LIMIT}
    for name in generated.secret_names:
        env[name] = urls.get(name) or secrets.token_urlsafe(48)
    if "DATABASE_URL" in env:
        # A schema of its own in the database given, so that two services never share tables.
        schema = f"bench_{generated.selection.name}"
        env["DATABASE_URL"] = _with_search_path(env["DATABASE_URL"], schema)
        env["BENCH_SCHEMA"] = schema
    return env


def _with_search_path(url: str, schema: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [*urllib.parse.parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    return parts._replace(query=urllib.parse.urlencode(query)).geturl()


def runtime_dependencies(project: Path) -> list[str]:
    """The distribution names ``project`` depends on at run time (pyproject's dependencies)."""
    declared = tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]
    return [re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0] for requirement in declared]


def top_level_modules(python: Path, distributions: list[str]) -> tuple[str, ...]:
    """The modules ``python`` imports ``distributions`` by (``python-dotenv``: ``dotenv``)."""
    return tuple(json.loads(run(python, "-c", _READ_TOP_LEVEL_MODULES, *distributions)))


def deploy_service(
    generated: Generated, venv: Path, urls: dict[str, str], *, name: str
) -> Deployed:
    """Install ``generated`` as deployed (not editable, compiled) and set its production env."""
    size = make_compiled_venv(venv, ".", cwd=generated.root)
    env = production_env(generated, urls)
    modules = top_level_modules(venv / "bin" / "python", runtime_dependencies(generated.root))
    return Deployed(
        name=name,
        root=generated.root,
        venv=venv,
        wsgi=f"{PACKAGE}.wsgi:app",
        gunicorn_config=f"python:{PACKAGE}.gunicorn_conf",
        env=env,
        runtime_imports=modules,
        size=size,
        extensions=generated.extensions,
    )


def gunicorn_settings(service: Deployed) -> dict[str, object]:
    """The plain-valued settings of ``service``'s own gunicorn configuration, as it runs."""
    module = service.gunicorn_config.removeprefix("python:")
    settings: dict[str, object] = json.loads(
        run(
            service.python, "-c", _READ_GUNICORN_SETTINGS, module, cwd=service.root, env=service.env
        )
    )
    return settings


def deploy_hello_world(folder: Path, service: Generated, settings: dict[str, object]) -> Deployed:
    """Hello-world Flask under ``settings``, with the Flask and gunicorn ``service`` pins."""
    folder.mkdir()
    (folder / "hello.py").write_text(textwrap.dedent(_HELLO_APP).lstrip())
    lines = [f"{name} = {value!r}" for name, value in sorted(settings.items())]
    config = folder / "gunicorn_settings.py"
    config.write_text(
        '"""The generated service\'s gunicorn settings (plain values, no hooks)."""\n\n'
        + "\n".join(lines)
        + "\n"
    )
    pins = [
        requirement
        for requirement in tomllib.loads((service.root / "pyproject.toml").read_text())["project"][
            "dependencies"
        ]
        if re.match(r"(?i)(flask|gunicorn)\b(\[[^\]]*\])?==", requirement)
    ]
    venv = folder / ".venv"
    size = make_compiled_venv(venv, *pins)
    return Deployed(
        name=BASELINE,
        root=folder,
        venv=venv,
        wsgi="hello:app",
        gunicorn_config=str(config),
        env=deployment_env(),
        runtime_imports=top_level_modules(venv / "bin" / "python", ["flask", "gunicorn"]),
        size=size,
    )


def reset_database(service: Deployed) -> None:
    """Empty the service's schema, then create its tables as the deployment's job does."""
    if "database" not in service.extensions:
        return
    run(service.python, "-c", _EMPTY_DATABASE, cwd=service.root, env=service.env)
    command = ["db", "upgrade"] if "migrations" in service.extensions else ["init-db"]
    flask = service.venv / "bin" / "flask"
    run(flask, "--app", f"{PACKAGE}.wsgi", *command, cwd=service.root, env=service.env)


def install_for_tests(generated: Generated, venv: Path) -> Path:
    """Install ``generated`` with its dev extra, editable, as its README tells a developer."""
    return make_venv(venv, "-e", ".[dev]", cwd=generated.root)
