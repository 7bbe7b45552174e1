"""jwt with the database: accounts in the ``users`` table, revocations in ``revoked_sessions``.

``extensions/jwt.py`` uses ``SQLAccounts`` (``JWT_USERS`` first, then the table) and, when no
Redis is configured, ``SQLBlocklist``. ``flask users create`` and ``flask users delete`` manage
the table; both tables come from ``flask db upgrade`` (or ``flask init-db``).
"""

from __future__ import annotations

import time

import click
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..db import db
from .cli import name_argument, password_option, roles_option, users_command
from .models import RevokedSession, User
from .users import Account, Accounts, Entry, hash_password, valid_name


class SQLAccounts(Accounts):
    """The accounts in ``JWT_USERS``, then those of the ``users`` table."""

    def lookup(self, name: str) -> Entry | None:
        """The account named ``name`` and its password hash: ``JWT_USERS`` wins over the table."""
        entry = super().lookup(name)
        if entry is not None or not valid_name(name):
            return entry
        user = db.session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if user is None:
            return None
        return Entry(Account(user.name, tuple(user.role_list())), user.password_hash)


class SQLBlocklist:
    """Revoked sessions in the ``revoked_sessions`` table: every worker and replica sees them."""

    def is_revoked(self, session: str) -> bool:
        """Whether ``session`` was revoked and has not expired."""
        row = db.session.get(RevokedSession, session)
        return row is not None and row.expires_at > int(time.time())

    def revoke(self, session: str, seconds: int) -> None:
        """Remember ``session`` for ``seconds``; expired rows are deleted on the way."""
        now = int(time.time())
        db.session.execute(delete(RevokedSession).where(RevokedSession.expires_at <= now))
        db.session.merge(RevokedSession(id=session, expires_at=now + seconds))
        db.session.commit()


@users_command.command("create")
@name_argument
@roles_option
@password_option
def create_command(name: str, roles: tuple[str, ...], password: str) -> None:
    """Add a user to the users table (its password stored as a salted hash)."""
    try:
        if db.session.execute(select(User.id).where(User.name == name)).first():
            raise click.ClickException(f"User {name!r} exists already.")
        user = User(name=name, roles=" ".join(roles), password_hash=hash_password(password))
        db.session.add(user)
        db.session.commit()
    except (OperationalError, ProgrammingError):
        raise click.ClickException(
            "The users table is missing: run 'flask db upgrade' (or 'flask init-db')."
        ) from None
    click.echo(f"Created user {name!r} with roles: {', '.join(roles) or 'none'}.")


@users_command.command("delete")
@name_argument
def delete_command(name: str) -> None:
    """Remove a user: refreshing fails at once, access tokens work until they expire."""
    deleted = db.session.execute(delete(User).where(User.name == name)).rowcount
    db.session.commit()
    if not deleted:
        raise click.ClickException(f"No user {name!r}.")
    click.echo(f"Deleted user {name!r}.")
