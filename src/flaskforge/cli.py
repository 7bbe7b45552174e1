"""The ``flaskforge`` command: parse, prompt, call the library, report.

This is the one place where errors become exit codes: a :class:`FlaskforgeError` prints one red
line and exits with its code; Ctrl-C, SIGTERM and SIGHUP exit 130 with nothing written (every
command rolls back what it had started). Commands call the public library API (what
``flaskforge`` exports) only. Heavy modules (Jinja, questionary) are imported inside the
commands, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import json
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

import click

from flaskforge import __version__
from flaskforge.errors import (
    Aborted,
    FlaskforgeError,
    MergeConflicts,
    MissingAnswer,
    ProjectBehind,
    ProjectFromNewerFlaskforge,
)

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from flaskforge import (
        Answers,
        Catalogue,
        ChangeResult,
        Component,
        CreatedProject,
        Kind,
        ProjectStatus,
    )

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _complete(kind: Kind) -> Callable[[click.Context, click.Parameter, str], list[str]]:
    """Shell completion for -e/-t: the catalogue's names, plus 'none'."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        from flaskforge import load_catalogue

        prefix = incomplete.rsplit(",", 1)[-1]
        head = incomplete[: len(incomplete) - len(prefix)]
        names = [c.name for c in load_catalogue().of_kind(kind)] + ["none"]
        return [head + n for n in names if n.startswith(prefix)]

    return complete


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that every roll-back on the way out runs."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signum)


@contextmanager
def _stopping_signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP stop flaskforge the way Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGTERM", "SIGHUP")  # Windows has no SIGHUP
    previous = {
        number: signal.signal(number, _stop)
        for number in (getattr(signal, name) for name in names if hasattr(signal, name))
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def _complete_additions(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion for add-extension: extensions and targets the project does not have."""
    from click.shell_completion import CompletionItem

    from flaskforge import load_catalogue

    catalogue = load_catalogue()
    unwanted = _enabled_in(ctx.params.get("project") or Path()) | set(ctx.params.get("names") or ())
    return [
        CompletionItem(c.name, help=c.summary)
        for c in (*catalogue.extensions, *catalogue.targets)
        if c.name.startswith(incomplete) and c.name not in unwanted
    ]


def _complete_removals(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion for remove-extension: what the project has, not yet on the line."""
    from click.shell_completion import CompletionItem

    from flaskforge import load_catalogue

    catalogue = load_catalogue()
    wanted = _enabled_in(ctx.params.get("project") or Path()) - set(ctx.params.get("names") or ())
    return [
        CompletionItem(c.name, help=c.summary)
        for c in (*catalogue.extensions, *catalogue.targets)
        if c.name.startswith(incomplete) and c.name in wanted
    ]


def _enabled_in(project: Path) -> set[str]:
    """The extensions and targets enabled in ``project``; none when it is not a project."""
    from flaskforge import read_record

    try:
        record = read_record(project)
    except (OSError, UnicodeDecodeError, ValueError):
        return set()
    return {*record.extensions, *record.targets}


@contextmanager
def _progress_shown() -> Iterator[None]:
    """Shows the library's progress messages (its slow steps only) on stderr."""
    import logging  # here, not at the top: --help and --version never need it

    class Progress(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            click.echo(self.format(record), err=True)

    logger = logging.getLogger("flaskforge")
    handler = Progress(logging.INFO)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)


class _Group(click.Group):
    """The single boundary where flaskforge's errors become one red line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _stopping_signals_raise(), _progress_shown():
                return super().invoke(ctx)
        except FlaskforgeError as error:
            _fail(ctx, error)
        except KeyboardInterrupt as interrupt:
            name = (
                signal.Signals(interrupt.signum).name if isinstance(interrupt, _Stopped) else None
            )
            _fail(ctx, Aborted(name))


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="flaskforge")
def cli() -> None:
    """Generate production-grade Flask microservices, and grow them in place.

    Start with 'flaskforge new NAME'. Shell completion: see
    'flaskforge completion --help'.
    """


@cli.command()
@click.argument("name")
@click.option(
    "-e",
    "--extension",
    "extensions",
    multiple=True,
    metavar="NAME[,NAME...]",
    shell_complete=_complete("extension"),
    help="Extension to enable; repeat or separate with commas. 'none' for the bare service.",
)
@click.option(
    "-t",
    "--target",
    "targets",
    multiple=True,
    metavar="NAME[,NAME...]",
    shell_complete=_complete("target"),
    help="Deployment target (docker, kubernetes); repeat or separate with commas. 'none' for none.",
)
@click.option("--description", help="One line describing the service.")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=True),
    default=Path(),
    show_default=True,
    help="Folder in which the project folder is created.",
)
@click.option(
    "--defaults",
    is_flag=True,
    help="Ask nothing: take the documented default for every question no flag answers.",
)
@click.option(
    "--image-registry",
    metavar="REGISTRY",
    help="Where the deployment files say the image is pushed, such as ghcr.io/acme "
    "(default: registry.example.com).",
)
@click.option(
    "--kubernetes-namespace",
    metavar="NAME",
    help="Namespace of the Kubernetes manifests (default: the project's name).",
)
@click.option(
    "--answers-file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A TOML file of answers, such as a team's defaults: description, extensions, targets, "
    "image_registry, kubernetes_namespace.",
)
@click.option(
    "--from",
    "from_project",
    type=click.Path(path_type=Path),
    metavar="RECORD",
    help="Take another project's extensions, targets, image registry and namespace from its "
    ".flaskforge.toml (or its folder).",
)
@click.option("--dry-run", is_flag=True, help="Print the files it would write; write nothing.")
@click.option("--no-git", is_flag=True, help="Do not make the project a git repository.")
def new(
    name: str,
    extensions: tuple[str, ...],
    targets: tuple[str, ...],
    description: str | None,
    output_dir: Path,
    defaults: bool,
    image_registry: str | None,
    kubernetes_namespace: str | None,
    answers_file: Path | None,
    from_project: Path | None,
    dry_run: bool,
    no_git: bool,
) -> None:
    """Create a new service in OUTPUT_DIR/NAME.

    On a terminal, questions not answered by a flag are asked; the extension checkbox starts
    with the recommended set, which --defaults takes when no -e is given. Without a terminal,
    pass every answer as a flag, or --defaults.

    --answers-file and --from answer from files and ask nothing: what they leave open takes
    its default. A flag overrides both (-e replaces a file's extensions), and --from overrides
    --answers-file. An unknown key in either file exits 2, listing the valid ones.

    \b
    Examples:
      flaskforge new orders
      flaskforge new orders --defaults -e caching,jwt -t docker
      flaskforge new orders -e none -t none --description "Order service" --no-git
      flaskforge new orders --answers-file team.toml
      flaskforge new billing --from ../orders/.flaskforge.toml --description "Billing"
    """
    from flaskforge import DEFAULT_DESCRIPTION, check_destination, create_project, load_catalogue

    catalogue = load_catalogue()
    # Validate the name, destination, flags and files before asking anything, so a typo costs
    # no prompts.
    check_destination(name, output_dir, catalogue)
    given = _flag_answers(description, extensions, targets, image_registry, kubernetes_namespace)
    answers = given.over(_file_answers(answers_file, from_project))
    description = answers.description
    chosen_extensions: Sequence[str] | None = answers.extensions
    chosen_targets: Sequence[str] | None = answers.targets
    if not defaults and answers_file is None and from_project is None:
        missing = _missing_answers(description, chosen_extensions, chosen_targets)
        if missing and not _interactive():
            questions, flags = zip(*missing, strict=True)
            raise MissingAnswer(_join(questions), _join(flags))
        if missing:
            description, chosen_extensions, chosen_targets = _ask(
                catalogue, description, chosen_extensions, chosen_targets
            )
    result = create_project(
        name,
        output_dir=output_dir,
        description=description if description is not None else DEFAULT_DESCRIPTION,
        extensions=chosen_extensions,
        targets=chosen_targets,
        image_registry=answers.image_registry,
        kubernetes_namespace=answers.kubernetes_namespace,
        git=not no_git,
        dry_run=dry_run,
        catalogue=catalogue,
    )
    _report_created(result)


def _flag_answers(
    description: str | None,
    extensions: tuple[str, ...],
    targets: tuple[str, ...],
    image_registry: str | None,
    kubernetes_namespace: str | None,
) -> Answers:
    """What the flags answer, each value checked; ``None`` where no flag was given."""
    from flaskforge import Answers

    return Answers(
        description=description,
        extensions=extensions or None,
        targets=targets or None,
        image_registry=image_registry,
        kubernetes_namespace=kubernetes_namespace,
    ).checked()


def _file_answers(answers_file: Path | None, from_project: Path | None) -> Answers:
    """What ``--answers-file`` and ``--from`` answer, ``--from`` first."""
    from flaskforge import Answers, load_answers_file, load_project_answers

    answers = Answers()
    if answers_file is not None:
        answers = load_answers_file(answers_file)
    if from_project is not None:
        answers = load_project_answers(from_project).over(answers)
    return answers


def _project_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-C",
        "--project",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path(),
        help="The project folder (default: the current folder).",
    )(function)


def _find_links_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--find-links",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        metavar="DIR",
        help="A folder of flaskforge wheels, searched with the package index when the "
        "project's baseline must be rendered by its own flaskforge version.",
    )(function)


def _writing_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option(
        "--allow-dirty",
        is_flag=True,
        help="Proceed even though the git tree has uncommitted changes.",
    )(function)
    return click.option(
        "--dry-run", is_flag=True, help="Show a unified diff of what would change; write nothing."
    )(function)


@cli.command("add-extension")
@click.argument(
    "names", nargs=-1, required=True, metavar="NAME...", shell_complete=_complete_additions
)
@_project_option
@_writing_options
@_find_links_option
def add_extension(
    names: tuple[str, ...],
    project: Path,
    dry_run: bool,
    allow_dirty: bool,
    find_links: Path | None,
) -> None:
    """Add extensions or deployment targets to an existing project.

    NAME is an extension or a target (see 'flaskforge extensions' and 'flaskforge targets');
    what they require is added too. Your edits are kept: the change each one brings is merged
    into your files. Where you and flaskforge changed the same lines, the file gets conflict
    markers, those files are listed, and the exit status is 1.

    \b
    Examples:
      flaskforge add-extension caching
      flaskforge add-extension migrations kubernetes -C services/orders
      flaskforge add-extension ratelimit --dry-run
    """
    from flaskforge import add_extensions

    result = add_extensions(
        names, project=project, dry_run=dry_run, allow_dirty=allow_dirty, find_links=find_links
    )
    _report_recovery(result.recovered)
    if not result.added:
        click.echo("Nothing to do: everything named is already enabled.")
        return
    implied = f" ({', '.join(result.implied)} required by your choice)" if result.implied else ""
    verb = "Would add" if not result.written else "Added"
    _report_changes(result, f"{verb} {', '.join(result.added)}{implied}.")


@cli.command("remove-extension")
@click.argument(
    "names", nargs=-1, required=True, metavar="NAME...", shell_complete=_complete_removals
)
@click.option(
    "--cascade", is_flag=True, help="Also remove the enabled extensions that require them."
)
@_project_option
@_writing_options
@_find_links_option
def remove_extension(
    names: tuple[str, ...],
    cascade: bool,
    project: Path,
    dry_run: bool,
    allow_dirty: bool,
    find_links: Path | None,
) -> None:
    """Remove extensions or deployment targets from an existing project.

    What each one brought goes: its files, dependencies, settings and wiring. Your edits are
    kept: in shared files, only the extension's lines go; a file of the extension that you
    edited is left in place and listed. If another enabled extension requires one you name,
    nothing is removed and the exit status is 2, unless --cascade. Conflicts get markers and
    the exit status is 1, as with add-extension.

    \b
    Examples:
      flaskforge remove-extension caching
      flaskforge remove-extension database --cascade --dry-run
    """
    from flaskforge import remove_extensions

    result = remove_extensions(
        names,
        project=project,
        cascade=cascade,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        find_links=find_links,
    )
    _report_recovery(result.recovered)
    if not result.removed:
        click.echo("Nothing to do: none of them is enabled.")
        return
    also = ""
    if result.implied:
        also = f" ({', '.join(result.implied)} required what you named: removed too)"
    verb = "Would remove" if not result.written else "Removed"
    _report_changes(result, f"{verb} {', '.join(result.removed)}{also}.")


@cli.command("add-resource")
@click.argument("name")
@click.option(
    "-f",
    "--field",
    "fields",
    multiple=True,
    metavar="NAME:TYPE",
    help="A field, as NAME:TYPE[:ARG][?] (repeat for each): str (str:120 for a maximum length),"
    " text, int, decimal (int:1..100, decimal:0.. for a range, either end left out), bool,"
    " date, datetime, uuid, enum:a,b,c, ref:<resource>; a trailing ? makes it optional.",
)
@_project_option
@_writing_options
@_find_links_option
def add_resource_command(
    name: str,
    fields: tuple[str, ...],
    project: Path,
    dry_run: bool,
    allow_dirty: bool,
    find_links: Path | None,
) -> None:
    """Add a REST resource, in the shape of the items API, to an existing project.

    NAME is a plural (orders): the package api/v1/NAME/, the URL /api/v1/NAME, the table and
    tests/test_NAME.py. It gets routes (list by pages, get, create, replace, change, delete),
    validation, a service and a store, and what the project's extensions bring: a table and an
    Alembic revision, the OpenAPI description, auth on writes, cached lists. It is registered
    in api/v1/__init__.py and kept in the project record. Running it again with the same fields
    changes nothing. Exit statuses as with add-extension.

    \b
    Examples:
      flaskforge add-resource customers --field name:str:120 --field 'email:str?'
      flaskforge add-resource orders -f total:decimal:0.. -f placed_at:datetime \\
          -f status:enum:new,paid,sent -f customer_id:ref:customers
      flaskforge add-resource tags -f label:str:40 --dry-run
    """
    from flaskforge import add_resource

    result = add_resource(
        name,
        fields,
        project=project,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        find_links=find_links,
    )
    _report_recovery(result.recovered)
    if not result.added:
        click.echo(f"Nothing to do: the project has {name} with these fields already.")
        return
    verb = "Would add" if not result.written else "Added"
    _report_changes(result, f"{verb} the resource {name}, at /api/v1/{name}.")


@cli.command("remove-resource")
@click.argument("name")
@_project_option
@_writing_options
@_find_links_option
def remove_resource_command(
    name: str,
    project: Path,
    dry_run: bool,
    allow_dirty: bool,
    find_links: Path | None,
) -> None:
    """Remove a resource that 'flaskforge add-resource' added.

    Its files and its registration go; what you changed elsewhere stays, and files of the
    resource you edited are left in place and listed. With migrations, its revisions stay (a
    database may have applied them) and a new one drops its table: 'make migrate' applies it.
    If another resource refers to it, nothing is removed and the exit status is 2.

    \b
    Examples:
      flaskforge remove-resource tags
      flaskforge remove-resource orders --dry-run
    """
    from flaskforge import remove_resource

    result = remove_resource(
        name, project=project, dry_run=dry_run, allow_dirty=allow_dirty, find_links=find_links
    )
    _report_recovery(result.recovered)
    if not result.removed:
        has = ", ".join(r.name for r in result.record.live_resources) or "none"
        click.echo(f"Nothing to do: the project has no resource {name} (its resources: {has}).")
        return
    verb = "Would remove" if not result.written else "Removed"
    _report_changes(result, f"{verb} the resource {name}.")


@cli.command()
@_project_option
@_writing_options
@_find_links_option
def update(project: Path, dry_run: bool, allow_dirty: bool, find_links: Path | None) -> None:
    """Move the project to this flaskforge's version, keeping your edits.

    What changed in flaskforge's templates between the project's version and this one is
    merged into your files, three ways, from the project's baseline (the clean render of its
    version, kept in git under refs/flaskforge/). Files flaskforge deleted or renamed are
    deleted or moved, unless you edited them; version steps a merge cannot express (a setting
    renamed in your .env) run first. Conflicts get markers and the exit status is 1.

    In a fresh clone, the baseline is fetched from the remote, or rendered again by the
    project's own flaskforge version, installed into a temporary environment from the
    package index or --find-links.

    \b
    Examples:
      flaskforge update --dry-run
      flaskforge update
      flaskforge update --find-links ./wheels
    """
    from flaskforge import update_project

    result = update_project(
        project=project, dry_run=dry_run, allow_dirty=allow_dirty, find_links=find_links
    )
    _report_recovery(result.recovered)
    if result.from_version == result.to_version:
        click.echo(
            f"Nothing to do: {result.record.project_name} is at flaskforge "
            f"{result.to_version}, the installed version."
        )
        return
    verb = "Would update" if not result.written else "Updated"
    _report_changes(
        result,
        f"{verb} {result.record.project_name} from flaskforge {result.from_version} "
        f"to {result.to_version}.",
    )


@cli.command()
@_project_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
@click.option(
    "--diff", is_flag=True, help="Also show how the project differs from its clean render."
)
@_find_links_option
@click.pass_context
def check(
    ctx: click.Context, project: Path, as_json: bool, diff: bool, find_links: Path | None
) -> None:
    """Exit 0 if the project is at this flaskforge's version, 1 if not (for CI).

    When the project is behind, the message names both versions: run 'flaskforge update'.
    --diff shows what you changed: a unified diff from the project's clean render (the
    baseline) to its files. --json prints one JSON document (its schema is in the
    documentation) and exits with the same status.

    \b
    Examples:
      flaskforge check
      flaskforge check --json
      flaskforge check --diff
    """
    from flaskforge import check_project

    status = check_project(project=project, diff=diff, find_links=find_links)
    if as_json:
        click.echo(json.dumps(status.to_json(), indent=2))
        ctx.exit(0 if status.state == "current" else 1)
    _report_recovery(status.recovered)
    for note in status.notes:
        click.echo(note)
    if status.differences is not None:
        for difference in status.differences:
            click.echo(difference.diff(), nl=False)
        if not status.differences:
            click.echo("The project does not differ from its clean render.")
    if status.state == "behind":
        raise ProjectBehind(status.name, status.project_version, status.installed_version)
    if status.state == "ahead":
        raise ProjectFromNewerFlaskforge(
            str(status.project), status.project_version, status.installed_version
        )
    click.echo(f"{status.name} is at flaskforge {status.project_version}, the installed version.")


@cli.command()
@_project_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
def status(project: Path, as_json: bool) -> None:
    """Show what the project has: extensions, targets, flaskforge versions and baseline.

    \b
    Examples:
      flaskforge status
      flaskforge status -C services/orders --json
    """
    from flaskforge import project_status

    found = project_status(project=project)
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2))
        return
    _report_recovery(found.recovered)
    _report_status(found)


@cli.command("extensions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
def extensions_command(as_json: bool) -> None:
    """List the extensions in the catalogue; inside a project, mark those it has."""
    _list_components("extension", as_json)


@cli.command("targets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
def targets_command(as_json: bool) -> None:
    """List the deployment targets in the catalogue; inside a project, mark those it has."""
    _list_components("target", as_json)


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL.

    \b
    Enable it by adding one line to your shell's start-up file:
      bash (~/.bashrc):                 eval "$(flaskforge completion bash)"
      zsh (~/.zshrc):                   eval "$(flaskforge completion zsh)"
      fish (~/.config/fish/config.fish): flaskforge completion fish | source
    """
    from click.shell_completion import get_completion_class

    completion_class = get_completion_class(shell)
    assert completion_class is not None  # the Choice above only admits known shells
    script = completion_class(cli, {}, "flaskforge", "_FLASKFORGE_COMPLETE").source()
    click.echo(script)


def _list_components(kind: Kind, as_json: bool) -> None:
    from flaskforge import RECORD_FILE, load_catalogue

    components = load_catalogue().of_kind(kind)
    # Inside a project (the current folder has a record), what it has is marked.
    in_project = Path(RECORD_FILE).is_file()
    enabled = _enabled_in(Path()) if in_project else set()
    if as_json:
        described = [
            {**_describe(c), **({"enabled": c.name in enabled} if in_project else {})}
            for c in components
        ]
        click.echo(json.dumps(described, indent=2))
        return
    width = max((len(c.name) for c in components), default=0)
    for c in components:
        notes = []
        if c.recommended:
            notes.append("recommended")
        if c.requires:
            notes.append("requires " + ", ".join(c.requires))
        if c.conflicts:
            notes.append("conflicts with " + ", ".join(c.conflicts))
        suffix = f"  ({'; '.join(notes)})" if notes else ""
        mark = ("[x] " if c.name in enabled else "[ ] ") if in_project else ""
        click.echo(f"{mark}{c.name.ljust(width)}  {c.summary}{suffix}")


def _describe(component: Component) -> dict[str, Any]:
    return {
        "name": component.name,
        "summary": component.summary,
        "requires": list(component.requires),
        "conflicts": list(component.conflicts),
        "aliases": list(component.aliases),
        "services": list(component.services),
        "recommended": component.recommended,
        "dependencies": list(component.dependencies),
        "settings": [
            {
                "name": s.name,
                "default": s.default,
                "secret": s.secret,
                "required_unless": s.required_unless,
                "help": s.help,
            }
            for s in component.settings
        ],
    }


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _missing_answers(
    description: str | None,
    extensions: Sequence[str] | None,
    targets: Sequence[str] | None,
) -> list[tuple[str, str]]:
    missing = []
    if description is None:
        missing.append(("the description", "--description"))
    if extensions is None:
        missing.append(("the extensions", "-e/--extension (or -e none)"))
    if targets is None:
        missing.append(("the deployment targets", "-t/--target (or -t none)"))
    return missing


def _ask(
    catalogue: Catalogue,
    description: str | None,
    extensions: Sequence[str] | None,
    targets: Sequence[str] | None,
    **io: Any,
) -> tuple[str, list[str], list[str]]:
    """Ask, on the terminal, each question that no flag answered."""
    from flaskforge import (
        DEFAULT_DESCRIPTION,
        implied_choices,
        prompts,
        recommended_choices,
        resolve_selection,
    )

    if description is None:
        description = prompts.ask_description(DEFAULT_DESCRIPTION, **io)

    def ask_components(kind: Kind, what: str) -> list[str]:
        # One rule for both kinds: what a ticked one requires is offered, never added silently
        # (migrations requires database, kubernetes requires docker).
        preselected = list(recommended_choices(catalogue, kind))
        while True:
            chosen = prompts.ask_components(what, catalogue.of_kind(kind), preselected, **io)
            reasons = implied_choices(catalogue, kind, chosen)
            if not reasons or prompts.confirm_implied(reasons, **io):
                return chosen or ["none"]
            # Declined: ask again, starting from what they had ticked.
            preselected = list(chosen)

    if extensions is None:
        extensions = ask_components("extension", "extensions")
    if targets is None:
        targets = ask_components("target", "deployment targets")
    # Resolve once here so a conflict is reported before anything else happens.
    resolve_selection(catalogue, extensions=extensions, targets=targets)
    return description, list(extensions), list(targets)


def _report_created(result: CreatedProject) -> None:
    plan = result.plan
    selection = plan.selection
    summary = (
        f"extensions: {', '.join(selection.extensions) or 'none'}; "
        f"targets: {', '.join(selection.targets) or 'none'}"
    )
    if selection.implied:
        click.echo(f"Added {', '.join(selection.implied)}: required by your choices.")
    if not result.written:
        click.echo(f"Would create {plan.destination}/ with {len(plan.files)} files ({summary}):")
        for path in plan.files:
            click.echo(f"  {path}")
        click.echo("Dry run: nothing was written.")
        return
    git = " as a git repository with one commit" if result.git else ""
    click.echo(f"Created {plan.destination}/{git}: {len(plan.files)} files ({summary}).")
    # The generated README's quick start, from the same data (see _steps.py).
    cd = f"cd {shlex.quote(str(plan.destination))}"
    steps = [(cd, ""), *((s.command, s.comment) for s in plan.quick_start)]
    # As the README lines them up: after the commands of up to 40 characters, and a longer
    # one's comment just after it (jwt's demo account without a database is one).
    width = max((len(command) for command, _ in steps if len(command) <= 40), default=0)
    click.echo("Next steps (the README's quick start):")
    for command, comment in steps:
        click.echo(f"  {command.ljust(width)}  # {comment}" if comment else f"  {command}")
    click.echo("Then, from another terminal: curl -s localhost:5000/livez")
    for note in plan.next_steps:
        click.echo(f"- {note}")


def _report_recovery(recovered: str | None) -> None:
    if recovered:
        click.echo(f"An interrupted flaskforge run had left the project half-changed: {recovered}.")


def _report_changes(result: ChangeResult, headline: str) -> None:
    for note in result.notes:
        click.echo(note)
    click.echo(headline)
    for summary in result.migrations:
        click.echo(f"  migration: {summary}")
    if not result.written:
        for change in result.changes:
            click.echo(change.diff(), nl=False)
        click.echo("Dry run: nothing was written.")
        return
    width = max((len(c.outcome.value) for c in result.changes), default=0)
    for change in result.changes:
        moved = f" (from {change.moved_from})" if change.moved_from else ""
        click.echo(f"  {change.outcome.value.ljust(width)}  {change.path}{moved}")
    steps = [*_install_steps(result), *result.next_steps]
    if steps:
        click.echo("Next steps:")
        for step in steps:
            click.echo(f"  {step}")
    if result.conflicts or result.left:
        raise MergeConflicts(result.conflicts, result.left)


def _install_steps(result: ChangeResult) -> list[str]:
    """What to run when the change touched the dependencies: the lock files say which."""
    if not result.dependencies_changed:
        return []
    locks = result.locks_written
    install = (
        "Reinstall so that their packages go: rm -rf .venv && make install"
        if result.removed
        else "Install the new dependencies: make install"
    )
    if not locks:
        return [install]
    return [
        f"{install} (exactly the versions in {' and '.join(locks)}, re-rendered from"
        " flaskforge's lock).",
        "If you had re-locked yourself ('make lock LOCK_ARGS=--upgrade'), run 'make lock' first:"
        " it re-resolves, keeping your versions where they fit.",
    ]


def _report_status(found: ProjectStatus) -> None:
    versions = f"{found.project_version}"
    if found.state == "behind":
        versions += (
            f" (installed: {found.installed_version}; update available: run 'flaskforge update')"
        )
    elif found.state == "ahead":
        versions += f" (installed: {found.installed_version}, older: upgrade flaskforge)"
    else:
        versions += " (the installed version)"
    baseline = {
        "present": f"present ({found.baseline_ref})",
        "stale": f"stale ({found.baseline_ref} holds another state; an earlier one, or a new "
        "render, is used)",
        "missing": "missing (a fresh clone? it is restored when a command needs it)",
        "no git": "none without git (rendered when a command needs it)",
    }[found.baseline]
    rows = [
        ("project", f"{found.name} (package {found.package}) in {found.project}"),
        ("flaskforge", versions),
        ("extensions", ", ".join(found.extensions) or "none"),
        ("targets", ", ".join(found.targets) or "none"),
        ("baseline", baseline),
    ]
    for label, value in rows:
        click.echo(f"{label + ':':<12} {value}")


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _fail(ctx: click.Context, error: FlaskforgeError) -> NoReturn:
    click.secho(f"Error: {_visible(str(error))}", fg="red", err=True)
    ctx.exit(error.exit_code)


def _visible(message: str) -> str:
    """``message`` with each unprintable character escaped, as Python writes it in a string.

    A message may quote what the user typed, such as a -C folder: an escape sequence in it must
    show as text, not act on the terminal, and a lone surrogate (undecodable bytes) cannot be
    written at all.
    """
    return "".join(
        c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii")
        for c in message
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``flaskforge`` command (the console-script entry point)."""
    cli.main(args=argv, prog_name="flaskforge")
