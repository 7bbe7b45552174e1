"""``flask users``: accounts for logging in.

``flask users entry NAME --role admin`` asks for a password and prints a ``JWT_USERS`` entry
(name, roles, password hash): it works without a database. With the database extension,
``auth/sql.py`` adds ``flask users create`` and ``flask users delete`` for the ``users`` table.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .users import make_entry, valid_name

#: Shortest password the commands accept.
MIN_PASSWORD_LENGTH = 8

users_command = AppGroup("users", help="Accounts that can log in to get a token.")


def _check_name(_context: click.Context, _param: click.Parameter, value: str) -> str:
    if not valid_name(value):
        raise click.BadParameter("1 to 80 characters, without ':', '|', ',' or spaces")
    return value


def _check_roles(
    _context: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    for role in value:
        if not valid_name(role):
            raise click.BadParameter(f"{role!r}: 1 to 80 characters, without ':', '|', ','")
    return tuple(sorted(set(value)))


def _check_password(_context: click.Context, _param: click.Parameter, value: str) -> str:
    if len(value) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"at least {MIN_PASSWORD_LENGTH} characters")
    return value


#: The arguments every ``flask users`` command that makes an account takes.
name_argument = click.argument("name", callback=_check_name)
roles_option = click.option(
    "--role", "roles", multiple=True, callback=_check_roles, help="A role (repeat for more)."
)
password_option = click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    callback=_check_password,
    help="Asked for when omitted (it would stay in the shell history).",
)


@users_command.command("entry", with_appcontext=False)
@name_argument
@roles_option
@password_option
def entry_command(name: str, roles: tuple[str, ...], password: str) -> None:
    """Print a JWT_USERS entry: NAME, roles and a salted hash of the password."""
    click.echo(make_entry(name, roles, password))
