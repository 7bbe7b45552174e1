"""Alembic's entry point for the `flask db` commands: migrate the application's database.

Flask-Migrate runs this inside an application context; the engine, the models' metadata and
the options (``compare_type``, ``render_as_batch``) all come from the application.
"""

from __future__ import annotations

import logging
from typing import Any

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")


def _skip_empty_revision(_context: Any, _revision: Any, directives: list[Any]) -> None:
    # `flask db migrate` with no model change would otherwise write an empty revision file.
    autogenerate = getattr(context.config.cmd_opts, "autogenerate", False)
    if autogenerate and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in the models: no revision written.")


def run_offline() -> None:
    """Write the SQL to stdout instead of running it (``flask db upgrade --sql``)."""
    migrate = current_app.extensions["migrate"]
    context.configure(
        url=migrate.db.engine.url,
        target_metadata=migrate.db.metadata,
        literal_binds=True,
        **migrate.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on a connection to the database."""
    migrate = current_app.extensions["migrate"]
    with migrate.db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=migrate.db.metadata,
            process_revision_directives=_skip_empty_revision,
            **migrate.configure_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
