"""Where each resource's Alembic revision goes: pure planning over the record."""

from __future__ import annotations

from dataclasses import replace

from flaskforge._record import RecordedResource, ResourceAddition
from flaskforge._resource_files import (
    addition_id,
    drop_id,
    heads,
    merge_id,
    plan_revisions,
    revision_id,
    revision_ids,
)

BASE = {"0001": ()}
WITH_JWT = {"0001": (), "0002_jwt": ("0001",)}
TAGS = RecordedResource("tags", ("label:str:40",), ("0001",))
NOTES = RecordedResource("notes", ("body:text",), (revision_id(TAGS),))


def test_the_id_depends_on_the_name_and_fields_only() -> None:
    moved = RecordedResource("tags", ("label:str:40",), ("0002_jwt",))

    assert revision_id(TAGS) == revision_id(moved)
    assert len(revision_id(TAGS)) == 12
    assert revision_id(TAGS) != revision_id(RecordedResource("tags", ("label:str:41",)))


def test_resources_follow_what_they_recorded() -> None:
    follows, merges, ends = plan_revisions(BASE, [TAGS, NOTES])

    assert follows == {revision_id(TAGS): "0001", revision_id(NOTES): revision_id(TAGS)}
    assert merges == []
    assert ends == (revision_id(NOTES),)


def test_an_extension_revision_added_later_is_merged_and_nothing_else_moves() -> None:
    follows, merges, ends = plan_revisions(WITH_JWT, [TAGS])

    assert follows == {revision_id(TAGS): "0001"}
    parents = tuple(sorted(["0002_jwt", revision_id(TAGS)]))
    assert merges == [(merge_id(parents), parents)]
    assert ends == parents


def test_a_resource_added_after_the_merge_follows_it_and_keeps_it() -> None:
    _, before, ends = plan_revisions(WITH_JWT, [TAGS])
    later = RecordedResource("notes", ("body:text",), ends)

    follows, merges, _ = plan_revisions(WITH_JWT, [TAGS, later])

    assert merges == before
    assert follows[revision_id(later)] == before[0][0]
    graph = {**WITH_JWT, **dict(merges), revision_id(TAGS): ("0001",)}
    graph[revision_id(later)] = (before[0][0],)
    assert heads(graph) == (revision_id(later),)


def test_without_a_record_of_heads_a_resource_follows_the_one_before() -> None:
    # Resources added before migrations: their revisions come when migrations does.
    first = RecordedResource("tags", ("label:str:40",))
    second = RecordedResource("notes", ("body:text",))

    follows, merges, _ = plan_revisions(BASE, [first, second])

    assert follows == {revision_id(first): "0001", revision_id(second): revision_id(first)}
    assert merges == []


def test_an_addition_follows_the_heads_it_recorded_even_after_a_later_resource() -> None:
    # tags, then notes, then a field added to tags: tags comes first in the record, but its
    # addition's revision comes after notes'.
    addition = ResourceAddition(("colour:str:20?",), (revision_id(NOTES),))
    tags = RecordedResource("tags", ("label:str:40",), ("0001",), (addition,))

    follows, merges, ends = plan_revisions(BASE, [tags, NOTES])

    assert follows[addition_id(tags, addition)] == revision_id(NOTES)
    assert merges == []
    assert ends == (addition_id(tags, addition),)


def test_a_removed_resource_keeps_its_revisions_and_the_drop_follows_what_it_recorded() -> None:
    dropped = RecordedResource("tags", ("label:str:40",), ("0001",), dropped=(revision_id(NOTES),))

    follows, merges, ends = plan_revisions(BASE, [dropped, NOTES])

    assert revision_ids(dropped) == [revision_id(TAGS), drop_id(dropped)]
    assert follows == {
        revision_id(TAGS): "0001",
        revision_id(NOTES): revision_id(TAGS),
        drop_id(dropped): revision_id(NOTES),
    }
    assert merges == []
    assert ends == (drop_id(dropped),)


def test_the_same_resource_added_again_gets_revisions_of_its_own() -> None:
    addition = ResourceAddition(("colour:str:20?",))
    first = RecordedResource("tags", ("label:str:40",), ("0001",), (addition,), ("x",))
    again = replace(first, revises=(drop_id(first),), dropped=("y",), removed_before=1)

    assert not set(revision_ids(first)) & set(revision_ids(again))
    # The first one's ids are those of any resource added once: nothing a database applied moves.
    assert revision_ids(first)[0] == revision_id(TAGS)
