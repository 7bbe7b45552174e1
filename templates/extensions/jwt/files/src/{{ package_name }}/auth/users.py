"""Who may log in: the accounts in ``JWT_USERS``, and how passwords are hashed and checked.

``JWT_USERS`` holds comma-separated ``NAME:ROLE1|ROLE2:HASH`` entries, where ``HASH`` is a
werkzeug password hash (scrypt or PBKDF2, salted) that ``flask users entry`` prints. Plain
passwords are refused at startup. With the database extension, ``auth/sql.py`` adds the
accounts of the ``users`` table (``flask users create``); a name in ``JWT_USERS`` wins.

Passwords are checked in constant time, and an unknown name costs as much as a wrong password,
so response times do not tell which names exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

from ..config import ConfigError

#: The hash methods accepted in ``JWT_USERS`` (werkzeug's names, before the first ``:``).
HASH_METHODS = ("scrypt", "pbkdf2")
#: How new passwords are hashed: scrypt at werkzeug's cost (N=2**15, r=8, p=1), tens of
#: milliseconds and 32 MiB per hash, on purpose.
HASH_METHOD = "scrypt:32768:8:1"
#: The same algorithm at 1/32 of the cost, only inside an app with ``APP_ENV=testing`` so a test
#: suite can create users quickly. Never used for a password that protects anything.
TESTING_HASH_METHOD = "scrypt:1024:8:1"
#: Characters a user or role name may not contain (they separate fields and entries).
_FORBIDDEN = frozenset(":|, \t\r\n")


class Account(NamedTuple):
    """Someone who can log in."""

    name: str
    roles: tuple[str, ...]


class Entry(NamedTuple):
    """An account and the hash of its password."""

    account: Account
    password_hash: str


def hash_method() -> str:
    """``HASH_METHOD``, or ``TESTING_HASH_METHOD`` inside an app whose ``APP_ENV`` is testing."""
    if has_app_context() and current_app.config.get("APP_ENV") == "testing":
        return TESTING_HASH_METHOD
    return HASH_METHOD


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` (see ``hash_method``)."""
    return generate_password_hash(password, method=hash_method())


def valid_name(name: str) -> bool:
    """Whether ``name`` can be a user or role name."""
    return bool(name) and len(name) <= 80 and not _FORBIDDEN.intersection(name)


def make_entry(name: str, roles: Iterable[str], password: str) -> str:
    """A ``JWT_USERS`` entry for ``name`` with ``roles`` and a hash of ``password``."""
    return f"{name}:{'|'.join(sorted(set(roles)))}:{hash_password(password)}"


def parse_entries(entries: Iterable[str]) -> dict[str, Entry]:
    """``JWT_USERS`` entries by name.

    Raises:
        ConfigError: naming ``JWT_USERS`` and the entry's position; never the entry itself.
    """
    accounts: dict[str, Entry] = {}
    for position, entry in enumerate(entries, start=1):
        name, _, rest = entry.partition(":")
        roles, _, password_hash = rest.partition(":")
        method = password_hash.split(":", 1)[0].split("$", 1)[0]
        role_list = tuple(sorted({r for r in roles.split("|") if r}))
        if (
            not valid_name(name)
            or not all(valid_name(role) for role in role_list)
            or method not in HASH_METHODS
            or password_hash.count("$") != 2
        ):
            raise ConfigError(
                f"JWT_USERS entry {position} must be NAME:ROLE1|ROLE2:HASH with a hash printed"
                " by 'flask users entry' (plain passwords are refused)"
            )
        if name in accounts:
            raise ConfigError(f"JWT_USERS entry {position} repeats an earlier user name")
        accounts[name] = Entry(Account(name, role_list), password_hash)
    return accounts


class Accounts:
    """The accounts in ``JWT_USERS``.

    Args:
        entries: the ``JWT_USERS`` entries.

    Raises:
        ConfigError: an entry is not ``NAME:ROLES:HASH`` (see ``parse_entries``).
    """

    def __init__(self, entries: Iterable[str]) -> None:
        self._entries = parse_entries(entries)

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account when ``password`` is right for ``name``, else None."""
        entry = self.lookup(name)
        if entry is None:
            # Same work as a wrong password, so timing does not reveal which names exist.
            check_password_hash(_dummy_hash(hash_method()), password)
            return None
        if check_password_hash(entry.password_hash, password):
            return entry.account
        return None

    def find(self, name: str) -> Account | None:
        """The account named ``name`` as it is now (roles may have changed since login)."""
        entry = self.lookup(name)
        return None if entry is None else entry.account

    def lookup(self, name: str) -> Entry | None:
        """The account named ``name`` and its password hash, or None."""
        return self._entries.get(name)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)
