"""The ``users`` and ``revoked_sessions`` tables.

Imported with ``auth/sql.py`` when the app is created, so that their tables are on the metadata
for ``flask init-db``, migrations and queries.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db

#: Longest user name; names are compared exactly (case-sensitive).
NAME_MAX = 80


class User(db.Model):
    """An account that can log in. Only a salted, slow hash of the password is stored."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Space-separated, like an OAuth scope: no join table for what is usually one or two roles.
    roles: Mapped[str] = mapped_column(String(255), default="")

    def role_list(self) -> list[str]:
        """The roles, sorted."""
        return sorted(set(self.roles.split()))


class RevokedSession(db.Model):
    """A login that was logged out; kept until its tokens would have expired anyway."""

    __tablename__ = "revoked_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Seconds since the epoch: compares the same way on PostgreSQL and SQLite.
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
