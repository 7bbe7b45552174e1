"""Compare flaskforge version numbers, the way pip orders them. Pure.

flaskforge's own versions are PEP 440 release numbers, possibly with a pre-release, post-release,
development or local part (``0.2.0``, ``1.0.0rc1``, ``0.2.0.dev3``, ``0.2.0+local``). This small
subset of PEP 440 is enough to tell whether a project is behind the installed flaskforge, without
a dependency for it.
"""

from __future__ import annotations

import re

_VERSION = re.compile(
    r"v?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>a|b|rc|alpha|beta|c)[-_.]?(?P<pre_n>\d*))?"
    r"(?:[-_.]?post[-_.]?(?P<post>\d*))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev>\d*))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?",
    re.IGNORECASE,
)
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2}
_Key = tuple[tuple[int, ...], tuple[float, int], tuple[float, int], tuple[float, int], str]


def version_key(version: str) -> _Key:
    """A sort key for ``version``; ValueError when it is not a version number."""
    match = _VERSION.fullmatch(version.strip())
    if match is None:
        raise ValueError(f"{version!r} is not a version number")
    release = tuple(int(part) for part in match["release"].split("."))
    while len(release) > 1 and release[-1] == 0:  # 1.0 == 1.0.0
        release = release[:-1]
    inf = float("inf")
    pre: tuple[float, int]
    if match["pre"]:
        pre = (_PRE[match["pre"].lower()], int(match["pre_n"] or 0))
    elif match["dev"] is not None and match["post"] is None:
        pre = (-inf, 0)  # 1.0.dev1 comes before 1.0a1
    else:
        pre = (inf, 0)
    post = (int(match["post"] or 0), 0) if match["post"] is not None else (-inf, 0)
    dev = (int(match["dev"] or 0), 0) if match["dev"] is not None else (inf, 0)
    return (release, pre, post, dev, (match["local"] or "").lower())


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` is older than, the same as, or newer than ``b``."""
    key_a, key_b = version_key(a), version_key(b)
    return (key_a > key_b) - (key_a < key_b)


def installed() -> str:
    """The version of the running flaskforge (read at each call, so tests can stand in another)."""
    import flaskforge

    return flaskforge.__version__
