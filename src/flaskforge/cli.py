"""The ``flaskforge`` command: parse, prompt, call the library, report.

This is the one place where errors become exit codes: a :class:`FlaskforgeError` prints one red
line and exits with its code; Ctrl-C exits 130 with nothing written. Heavy modules (Jinja,
questionary) are imported inside the commands, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from flaskforge import __version__
from flaskforge.errors import Aborted, FlaskforgeError, MergeConflicts, MissingAnswer

if TYPE_CHECKING:
    from flaskforge._catalogue import Catalogue, Component, Kind
    from flaskforge._grow import GrowResult
    from flaskforge._project import CreatedProject

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _complete(kind: Kind) -> Callable[[click.Context, click.Parameter, str], list[str]]:
    """Shell completion for -e/-t: the catalogue's names, plus 'none'."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        from flaskforge._catalogue import load_catalogue

        prefix = incomplete.rsplit(",", 1)[-1]
        head = incomplete[: len(incomplete) - len(prefix)]
        names = [c.name for c in load_catalogue().of_kind(kind)] + ["none"]
        return [head + n for n in names if n.startswith(prefix)]

    return complete


class _Group(click.Group):
    """The single boundary where flaskforge's errors become one red line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FlaskforgeError as error:
            _fail(ctx, error)
        except KeyboardInterrupt:
            _fail(ctx, Aborted())


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
@click.option("--dry-run", is_flag=True, help="Print the files it would write; write nothing.")
@click.option("--no-git", is_flag=True, help="Do not make the project a git repository.")
def new(
    name: str,
    extensions: tuple[str, ...],
    targets: tuple[str, ...],
    description: str | None,
    output_dir: Path,
    defaults: bool,
    dry_run: bool,
    no_git: bool,
) -> None:
    """Create a new service in OUTPUT_DIR/NAME.

    On a terminal, questions not answered by a flag are asked; the extension checkbox starts
    with the recommended set, which --defaults takes when no -e is given. Without a terminal,
    pass every answer as a flag, or --defaults.

    \b
    Examples:
      flaskforge new orders
      flaskforge new orders --defaults -e caching,jwt -t docker
      flaskforge new orders -e none -t none --description "Order service" --no-git
    """
    from flaskforge._catalogue import load_catalogue
    from flaskforge._naming import parse_description
    from flaskforge._project import DEFAULT_DESCRIPTION, check_destination, create_project

    catalogue = load_catalogue()
    # Validate the name, destination and description before asking anything, so a typo costs
    # no prompts.
    check_destination(name, output_dir, catalogue)
    if description is not None:
        parse_description(description)
    chosen_extensions: Sequence[str] | None = list(extensions) or None
    chosen_targets: Sequence[str] | None = list(targets) or None
    if not defaults:
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
        git=not no_git,
        dry_run=dry_run,
        catalogue=catalogue,
    )
    _report_created(result)


@cli.command("add-extension")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option(
    "-C",
    "--project",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    help="The project folder (default: the current folder).",
)
@click.option(
    "--dry-run", is_flag=True, help="Show a unified diff of what would change; write nothing."
)
@click.option(
    "--allow-dirty", is_flag=True, help="Proceed even though the git tree has uncommitted changes."
)
def add_extension(names: tuple[str, ...], project: Path, dry_run: bool, allow_dirty: bool) -> None:
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
    from flaskforge._grow import add_extensions

    result = add_extensions(names, project=project, dry_run=dry_run, allow_dirty=allow_dirty)
    _report_grown(result)


@cli.command("extensions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
def extensions_command(as_json: bool) -> None:
    """List the extensions in the catalogue."""
    _list_components("extension", as_json)


@cli.command("targets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
def targets_command(as_json: bool) -> None:
    """List the deployment targets in the catalogue."""
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
    from flaskforge._catalogue import load_catalogue

    components = load_catalogue().of_kind(kind)
    if as_json:
        click.echo(json.dumps([_describe(c) for c in components], indent=2))
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
        click.echo(f"{c.name.ljust(width)}  {c.summary}{suffix}")


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
    from flaskforge import _prompts
    from flaskforge._project import DEFAULT_DESCRIPTION
    from flaskforge._selection import implied_by, recommended, resolve, split_choices

    if description is None:
        description = _prompts.ask_description(DEFAULT_DESCRIPTION, **io)
    if extensions is None:
        preselected = list(recommended(catalogue, "extension"))
        while True:
            extensions = _prompts.ask_components(
                "extensions", catalogue.extensions, preselected, **io
            )
            reasons = implied_by(catalogue, "extension", extensions)
            if not reasons or _prompts.confirm_implied(reasons, **io):
                break
            # Declined: ask again, starting from what they had ticked.
            preselected = list(extensions)
        extensions = extensions or ["none"]
    if targets is None:
        targets = _prompts.ask_components(
            "deployment targets", catalogue.targets, recommended(catalogue, "target"), **io
        )
        targets = targets or ["none"]
    # Resolve once here so a conflict is reported before anything else happens.
    resolve(catalogue, extensions=split_choices(extensions), targets=split_choices(targets))
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
    click.echo("Next steps:")
    click.echo(f"  cd {plan.destination}")
    click.echo("  make install    # virtual environment in .venv with the dev tools")
    click.echo("  make test       # lint and tests")
    click.echo("  make run        # development server on http://127.0.0.1:5000")
    for step in plan.next_steps:
        click.echo(f"  {step}")


def _report_grown(result: GrowResult) -> None:
    if not result.added:
        click.echo("Nothing to do: everything named is already enabled.")
        return
    implied = f" ({', '.join(result.implied)} required by your choice)" if result.implied else ""
    verb = "Would add" if not result.written else "Added"
    click.echo(f"{verb} {', '.join(result.added)}{implied}.")
    if not result.written:
        for change in result.changes:
            click.echo(change.diff(), nl=False)
        click.echo("Dry run: nothing was written.")
        return
    width = max((len(c.outcome.value) for c in result.changes), default=0)
    for change in result.changes:
        click.echo(f"  {change.outcome.value.ljust(width)}  {change.path}")
    steps = list(result.next_steps)
    if any(c.path == "pyproject.toml" for c in result.changes):
        steps.insert(0, "Install the new dependencies: make install")
    if steps:
        click.echo("Next steps:")
        for step in steps:
            click.echo(f"  {step}")
    if result.conflicts:
        raise MergeConflicts(result.conflicts)


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _fail(ctx: click.Context, error: FlaskforgeError) -> NoReturn:
    click.secho(f"Error: {error}", fg="red", err=True)
    ctx.exit(error.exit_code)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``flaskforge`` command (the console-script entry point)."""
    cli.main(args=argv, prog_name="flaskforge")
