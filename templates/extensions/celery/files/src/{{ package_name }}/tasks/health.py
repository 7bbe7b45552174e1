"""Is this container's worker alive? ``python -m <package>.tasks.health``; exit status 0 if so.

Sends a ping through the broker to the worker named ``celery@<this host name>`` (the name a
worker started without ``-n`` takes) and waits for its answer. Compose and Kubernetes run it
inside the worker's container, without a shell, so the host name is the container's.

    python -m <package>.tasks.health [--node celery@HOST] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import sys

from celery.utils.nodenames import default_nodename

from ..app import create_app
from ..config import ConfigError
from ..extensions.celery import celery_app


def main(argv: list[str] | None = None) -> int:
    """Ping the worker; 0 when it answered, 1 when it did not, 2 on a configuration error."""
    parser = argparse.ArgumentParser(prog=f"python -m {__name__}", description=__doc__)
    parser.add_argument("--node", default=default_nodename(""), help="worker to ping")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait")
    args = parser.parse_args(argv)
    try:
        flask_app = create_app()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    if not flask_app.config.get("REDIS_URL"):
        print("configuration error: REDIS_URL is not set, so there is no worker", file=sys.stderr)
        return 2
    try:
        replies = celery_app(flask_app).control.ping(destination=[args.node], timeout=args.timeout)
    except Exception as error:  # the broker is down: the probe's answer is "unhealthy"
        print(f"{args.node}: broker unreachable ({type(error).__name__})", file=sys.stderr)
        return 1
    if not any(args.node in reply for reply in replies):
        print(f"{args.node}: no answer within {args.timeout:g} s", file=sys.stderr)
        return 1
    print(f"{args.node}: pong")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
