"""Version numbers are ordered the way pip orders them."""

from __future__ import annotations

import pytest

from flaskforge._versions import compare

ASCENDING = [
    "0.0.1.dev7",
    "0.0.1",
    "0.1.0.dev1",
    "0.1.0a1",
    "0.1.0b2",
    "0.1.0rc1",
    "0.1.0",
    "0.1.0+local",
    "0.1.0.post1",
    "0.1.1",
    "0.2",
    "0.10.0",
    "1.0.0",
]


@pytest.mark.parametrize("index", range(len(ASCENDING) - 1))
def test_each_version_is_older_than_the_next(index: int) -> None:
    older, newer = ASCENDING[index], ASCENDING[index + 1]
    assert compare(older, newer) == -1
    assert compare(newer, older) == 1


@pytest.mark.parametrize(("a", "b"), [("1.0", "1.0.0"), ("0.2.0", "0.2"), ("v1.2", "1.2")])
def test_trailing_zeros_and_a_v_do_not_count(a: str, b: str) -> None:
    assert compare(a, b) == 0


@pytest.mark.parametrize("text", ["", "tomorrow", "1..2", "1.0-final", "latest"])
def test_what_is_not_a_version_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a version number"):
        compare(text, "1.0")
