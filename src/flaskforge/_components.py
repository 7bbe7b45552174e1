"""What the catalogue is made of: components, their settings and their processes.

Every field of ``Component``, ``Setting`` and ``Process`` is a key of the same name in a
manifest (``templates/<kind>/<name>/manifest.toml``), except the fields marked ``NOT_A_KEY``;
``_manifest.py`` reads each table against the fields of its class, so a manifest key is added by
adding a field here (and a line in ``docs/templates.md``). A field without a default is a key
every manifest must have; a field marked ``CHOSEN_ONLY`` is only for extensions and targets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["base", "service", "extension", "target"]

#: How a generated service may parse a setting's text ("list" is comma-separated).
SETTING_TYPES = ("str", "int", "float", "bool", "list")

#: What a process may be: long-running beside the web server, or run once before it starts.
PROCESS_KINDS = ("worker", "job")

#: Field metadata: set by flaskforge, never written in a manifest.
NOT_A_KEY = {"key": False}

#: Field metadata: a key only the components a user chooses (extensions, targets) may have.
CHOSEN_ONLY = {"kinds": ("extension", "target")}

#: Field metadata: a key only extensions may have (it names code in their own module).
EXTENSIONS_ONLY = {"kinds": ("extension",)}

#: Field metadata: a key only backing services may have.
SERVICES_ONLY = {"kinds": ("service",)}

#: Where a component's own files are, beside its manifest.
FILES_FOLDER = "files"
#: Folders ``files-with-<other>/``: files rendered only when component ``<other>`` is chosen too.
FILES_WITH_PREFIX = "files-with-"

#: Where the Python package's files are in a component's file folders.
PACKAGE_FOLDER = "src/{{ package_name }}"

#: The gunicorn server hooks an extension may offer (their signatures are gunicorn's).
GUNICORN_HOOKS = ("when_ready", "post_fork", "post_worker_init", "child_exit", "worker_exit")


@dataclass(frozen=True)
class Setting:
    """One environment variable the generated service reads (a ``[[settings]]`` table).

    Attributes:
        name: the variable, in upper snake case.
        help: one line for ``.env.example`` and the generated README.
        default: the value used when the variable is unset ("" for secrets: they have none).
        secret: whether it goes in a Kubernetes Secret instead of a ConfigMap.
        example: the value ``.env.example`` suggests for local development (the default if
            not given).
        type: how the service parses it: one of ``SETTING_TYPES``.
        required_unless: for a secret, another setting of the same component whose value makes
            this one optional in production (``JWT_SECRET_KEY`` is not needed by a service that
            only verifies tokens with ``JWT_PUBLIC_KEY``).
    """

    name: str
    help: str
    default: str = ""
    secret: bool = False
    example: str = ""
    type: str = "str"
    required_unless: str = ""


@dataclass(frozen=True)
class Process:
    """A process run beside the web server, such as a worker or a one-shot job (``[[processes]]``).

    Attributes:
        name: short name (``worker``, ``migrate``); compose service and Kubernetes object suffix.
        kind: ``worker`` (long-running, scaled like the web server) or ``job`` (runs once to
            completion before the web server starts, such as database migrations).
        command: the argument vector; ``{package}`` stands for the Python package name.
        healthcheck: for workers, an argument vector that exits 0 when the worker is healthy.
    """

    name: str
    kind: str
    command: tuple[str, ...]
    healthcheck: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetupStep:
    """A command a developer runs once, in the project, before its first start (``[[setup]]``).

    The generated README's quick start and the steps ``flaskforge new`` prints list them, in
    component order, between ``make install`` and ``make run`` (with each one-shot job's make
    target after them).

    Attributes:
        run: the shell command, as typed in the project folder (a make target where one
            exists).
        comment: what it does, in a few words.
        unless: extensions or targets that, chosen too, make this step unneeded: their own
            steps do it (``flask init-db`` gives way to the migrations' one-shot job), or it
            is done another way (jwt's demo account goes into the database's table instead).
    """

    run: str
    comment: str
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayoutEntry:
    """A file or folder a component adds to the package, for the README's layout (``[[layout]]``).

    Attributes:
        path: below ``src/<package>/``; a folder ends with ``/``. It must be among the
            component's files (those of ``files-with-<only_with>/`` when that is given).
        about: what it holds, in a few words.
        only_with: another component whose choice brings the file (``files-with-<name>/``);
            the entry is listed only then.
    """

    path: str
    about: str
    only_with: str = ""


@dataclass(frozen=True)
class Endpoint:
    """A route a component adds, for the README's API table (``[[endpoints]]``).

    Attributes:
        method: the HTTP method, upper case.
        path: as a client types it, with ``<name>`` for a variable part (and an example query,
            if any, after ``?``); the route must be in the generated app's URL map.
        answer: what it answers, in a few words.
    """

    method: str
    path: str
    answer: str


@dataclass(frozen=True)
class Container:
    """How a backing service runs beside the app in compose (a service's ``[container]`` table).

    The compose file, the dev container and the Kubernetes network policy are rendered from
    it, so a backing service is described here once.

    Attributes:
        image: the image, with its tag (``postgres:16-bookworm``).
        port: the port it listens on inside the container, and in production.
        url_setting: the service's setting (one of its ``[[settings]]``) that holds its URL.
        url: that setting's value on the compose network, where the service's host name is
            its name; ``${VAR:-default}`` is filled by compose from the shell or ``.env``.
        host_port: the port on the host's 127.0.0.1 where compose publishes it, settable as
            ``<NAME>_HOST_PORT``: not the usual one, so a local server keeps its own.
        command: its argument vector, when not the image's.
        environment: ``NAME=value`` lines for the container, in order.
        volumes: compose volume lines (``name:/path``); named volumes are declared too.
        healthcheck: an argument vector that exits 0 when it accepts connections.
    """

    image: str
    port: int
    url_setting: str
    url: str
    host_port: int
    command: tuple[str, ...] = ()
    environment: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    healthcheck: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hooks:
    """What an extension's module offers other files, by name (its manifest's ``[hooks]``).

    Each hook point has one generated file that calls them, so only that file changes when an
    extension joins: the generated service never looks for them at run time.

    Attributes:
        gunicorn: gunicorn server hooks the module defines, named and typed as gunicorn names
            them (one of ``GUNICORN_HOOKS``); ``gunicorn_conf.py`` calls them.
        openapi: functions ``f(spec)`` adding the extension's plain routes to the API document
            (an apispec ``APISpec``); ``api/__init__.py`` hands them to it with openapi chosen.
        resources: packages ``api/v1/<name>/`` whose ``routes.py`` defines a blueprint ``bp``;
            ``api/v1/__init__.py`` nests them.
    """

    gunicorn: tuple[str, ...] = ()
    openapi: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()


#: The hook points, in the order templates see them.
HOOK_POINTS = ("gunicorn", "openapi", "resources")


@dataclass(frozen=True)
class Component:
    """The base service, a backing service, an extension or a deployment target.

    Attributes:
        kind: which of the four it is (from its folder, not its manifest).
        files: the folder of template files it adds (``files/`` beside its manifest).
        name: equals its folder's name.
        summary: one line, shown in the prompt and in ``flaskforge extensions``.
        requires: extensions (or targets) added with it.
        conflicts: extensions (or targets) it cannot be combined with; symmetric.
        aliases: other names accepted on the command line.
        services: backing services it needs (``postgres``, ``redis``).
        recommended: pre-selected, and taken by ``--defaults``.
        dependencies: runtime requirements, pinned with ``==``.
        dev_dependencies: test and development requirements, pinned with ``==``.
        system_packages: Debian packages the runtime image must carry.
        settings: the environment variables it reads.
        processes: the processes it runs beside the web server.
        setup: commands run once before the first start, in the quick start (``[[setup]]``).
        layout: the files and folders it adds to the package, for the README (``[[layout]]``).
        endpoints: the routes it adds, for the README's API table (``[[endpoints]]``).
        next_steps: notes printed after generating or adding it, once the service runs: exact
            for any selection, never "with the X extension".
        container: how a backing service runs in compose (``[container]``).
        hooks: functions of an extension's module that generated files call by name.
        entry_points: an extension's modules (dotted, below the package) that build the app as
            ``wsgi.py`` does, such as a worker: the top of the generated import layers.
        files_with: other component's name -> the folder of the files this one brings only
            when that one is chosen too (``files-with-<name>/``), sorted by name.
    """

    kind: Kind = field(metadata=NOT_A_KEY)
    files: Path = field(metadata=NOT_A_KEY)
    name: str
    summary: str
    requires: tuple[str, ...] = field(default=(), metadata=CHOSEN_ONLY)
    conflicts: tuple[str, ...] = field(default=(), metadata=CHOSEN_ONLY)
    aliases: tuple[str, ...] = field(default=(), metadata=CHOSEN_ONLY)
    services: tuple[str, ...] = field(default=(), metadata=CHOSEN_ONLY)
    recommended: bool = field(default=False, metadata=CHOSEN_ONLY)
    dependencies: tuple[str, ...] = ()
    dev_dependencies: tuple[str, ...] = ()
    system_packages: tuple[str, ...] = ()
    settings: tuple[Setting, ...] = ()
    processes: tuple[Process, ...] = ()
    setup: tuple[SetupStep, ...] = ()
    layout: tuple[LayoutEntry, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    next_steps: tuple[str, ...] = ()
    container: Container | None = field(default=None, metadata=SERVICES_ONLY)
    hooks: Hooks = field(default=Hooks(), metadata=EXTENSIONS_ONLY)
    entry_points: tuple[str, ...] = field(default=(), metadata=EXTENSIONS_ONLY)
    files_with: tuple[tuple[str, Path], ...] = field(default=(), metadata=NOT_A_KEY)

    @property
    def module(self) -> str:
        """The Python module name of an extension: its name with ``-`` as ``_``."""
        return self.name.replace("-", "_")

    def folders(self, chosen: Iterable[str]) -> list[Path]:
        """Its file folders for a selection whose component names are ``chosen``."""
        present = set(chosen)
        return [self.files, *(folder for other, folder in self.files_with if other in present)]


@dataclass(frozen=True)
class Catalogue:
    """Everything flaskforge can generate. Services, extensions and targets are sorted by name."""

    base: Component
    extensions: tuple[Component, ...]
    targets: tuple[Component, ...]
    root: Path = field(compare=False)
    services: tuple[Component, ...] = ()

    def of_kind(self, kind: Kind) -> tuple[Component, ...]:
        """The components of ``kind``: the base alone, or the services, extensions or targets."""
        by_kind: dict[Kind, tuple[Component, ...]] = {
            "base": (self.base,),
            "service": self.services,
            "extension": self.extensions,
            "target": self.targets,
        }
        return by_kind[kind]

    def get(self, kind: Kind, name: str) -> Component:
        """The component of ``kind`` called ``name``; KeyError when there is none."""
        for component in self.of_kind(kind):
            if component.name == name:
                return component
        raise KeyError(name)
