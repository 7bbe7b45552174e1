"""The three-way merge of one file and of a tree: every outcome, CRLF files, renames."""

from __future__ import annotations

import pytest

from flaskforge._merge import LABELS, Outcome, merge_file, merge_trees, to_crlf

BASE = b"one\ntwo\nthree\nfour\nfive\n"
THEIRS = b"one\nTWO\nthree\nfour\nfive\n"  # flaskforge changed line 2
MINE = b"one\ntwo\nthree\nfour\nFIVE\n"  # the owner changed line 5


@pytest.mark.parametrize(
    ("yours", "before", "after", "outcome", "content"),
    [
        pytest.param(BASE, BASE, BASE, Outcome.UNCHANGED, BASE, id="no-change"),
        pytest.param(THEIRS, BASE, THEIRS, Outcome.UNCHANGED, THEIRS, id="already-so"),
        pytest.param(BASE, BASE, THEIRS, Outcome.UPDATED, THEIRS, id="untouched"),
        pytest.param(
            MINE, BASE, THEIRS, Outcome.MERGED, b"one\nTWO\nthree\nfour\nFIVE\n", id="both"
        ),
        pytest.param(None, None, THEIRS, Outcome.CREATED, THEIRS, id="new-file"),
        pytest.param(None, BASE, THEIRS, Outcome.KEPT, None, id="owner-deleted"),
        pytest.param(BASE, BASE, None, Outcome.DELETED, None, id="gone-untouched"),
        pytest.param(MINE, BASE, None, Outcome.LEFT, MINE, id="gone-edited"),
        pytest.param(None, BASE, None, Outcome.UNCHANGED, None, id="gone-both"),
    ],
)
def test_outcomes(
    yours: bytes | None,
    before: bytes | None,
    after: bytes | None,
    outcome: Outcome,
    content: bytes | None,
) -> None:
    result = merge_file(yours, before, after)
    assert (result.outcome, result.content) == (outcome, content)


def test_the_same_lines_changed_on_both_sides_give_markers() -> None:
    mine = b"one\nmy two\nthree\nfour\nfive\n"
    result = merge_file(mine, BASE, THEIRS)
    assert result.outcome is Outcome.CONFLICT
    yours_label, _, theirs_label = LABELS
    assert result.content == (
        f"one\n<<<<<<< {yours_label}\nmy two\n=======\nTWO\n>>>>>>> {theirs_label}\n".encode()
        + b"three\nfour\nfive\n"
    )


def test_a_crlf_file_merges_in_its_own_line_endings() -> None:
    result = merge_file(to_crlf(MINE), BASE, THEIRS)
    assert result.outcome is Outcome.MERGED
    assert result.content == to_crlf(b"one\nTWO\nthree\nfour\nFIVE\n")
    assert b"\n" not in result.content.replace(b"\r\n", b"")  # type: ignore[union-attr]


def test_an_untouched_crlf_file_is_updated_in_crlf_and_one_already_so_is_left() -> None:
    updated = merge_file(to_crlf(BASE), BASE, THEIRS)
    assert (updated.outcome, updated.content) == (Outcome.UPDATED, to_crlf(THEIRS))
    assert merge_file(to_crlf(THEIRS), BASE, THEIRS).outcome is Outcome.UNCHANGED
    assert merge_file(to_crlf(BASE), BASE, None).outcome is Outcome.DELETED


def test_a_crlf_conflict_is_marked_in_crlf() -> None:
    result = merge_file(to_crlf(b"one\nmy two\nthree\nfour\nfive\n"), BASE, THEIRS)
    assert result.outcome is Outcome.CONFLICT
    assert result.content is not None
    assert result.content.count(b"\n") == result.content.count(b"\r\n")


def test_a_binary_file_both_sides_changed_is_a_conflict_left_as_the_owner_has_it() -> None:
    result = merge_file(b"\0mine", b"\0base", b"\0theirs")
    assert (result.outcome, result.content) == (Outcome.CONFLICT, b"\0mine")


def _tree(base: dict[str, bytes], yours: dict[str, bytes], target: dict[str, bytes]):
    changes = merge_trees(base, yours.get, target)
    return {c.path: (c.outcome, c.moved_from, c.after) for c in changes}


MODULE = b"".join(b"line %d\n" % n for n in range(20))


def test_a_renamed_file_the_owner_did_not_touch_is_moved() -> None:
    changes = _tree({"old.py": MODULE}, {"old.py": MODULE}, {"new.py": MODULE + b"more\n"})
    assert changes == {"new.py": (Outcome.MOVED, "old.py", MODULE + b"more\n")}


def test_a_renamed_file_the_owner_edited_is_moved_with_the_edits() -> None:
    mine = MODULE.replace(b"line 3\n", b"line 3 mine\n")
    changes = _tree({"old.py": MODULE}, {"old.py": mine}, {"new.py": MODULE + b"more\n"})
    assert changes == {"new.py": (Outcome.MOVED, "old.py", mine + b"more\n")}


def test_a_renamed_file_the_owner_deleted_stays_deleted() -> None:
    changes = _tree({"old.py": MODULE}, {}, {"new.py": MODULE})
    assert changes == {"new.py": (Outcome.KEPT, None, None)}


def test_unlike_files_are_a_deletion_and_a_creation() -> None:
    other = b"".join(b"other %d\n" % n for n in range(20))
    changes = _tree({"old.py": MODULE}, {"old.py": MODULE}, {"new.py": other})
    assert changes == {
        "old.py": (Outcome.DELETED, None, None),
        "new.py": (Outcome.CREATED, None, other),
    }


def test_empty_files_are_never_taken_for_a_rename() -> None:
    changes = _tree({"a/__init__.py": b""}, {"a/__init__.py": b""}, {"b/__init__.py": b""})
    assert changes == {
        "a/__init__.py": (Outcome.DELETED, None, None),
        "b/__init__.py": (Outcome.CREATED, None, b""),
    }


def test_a_replaced_file_takes_the_target_whatever_the_owner_wrote() -> None:
    changes = merge_trees(
        {"record": b"a\n"},
        {"record": b"edited\n"}.get,
        {"record": b"b\n"},
        replaced=frozenset({"record"}),
    )
    assert [(c.outcome, c.after) for c in changes] == [(Outcome.UPDATED, b"b\n")]


def test_diffs_name_both_sides() -> None:
    (moved,) = merge_trees({"old.py": MODULE}, {"old.py": MODULE}.get, {"new.py": MODULE})
    assert moved.diff() == "rename from old.py\nrename to new.py\n"
    (deleted,) = merge_trees({"x": b"x\n"}, {"x": b"x\n"}.get, {})
    assert deleted.diff() == "--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
