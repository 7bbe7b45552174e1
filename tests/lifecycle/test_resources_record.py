"""The resources a project records survive every lifecycle command that rewrites the record."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flaskforge import RecordedResource, add_extensions, create_project, remove_extensions
from flaskforge._record import RECORD_FILE, dump_record, read_record
from tests.lifecycle_kit import commit_all

RESOURCES = (
    RecordedResource("customers", ("name:str:120",)),
    RecordedResource("orders", ("total:decimal", "customer_id:ref:customers", "note:text?")),
)


def test_add_and_remove_extension_keep_the_recorded_resources(tmp_path: Path) -> None:
    created = create_project("shop", output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = created.plan.destination
    record = replace(read_record(project), resources=RESOURCES)
    (project / RECORD_FILE).write_text(dump_record(record), encoding="utf-8")
    commit_all(project, "record resources")

    add_extensions(["cors"], project=project)
    added = read_record(project)
    commit_all(project, "add cors")
    remove_extensions(["cors"], project=project)

    assert added.extensions == ("cors",)
    assert added.resources == RESOURCES
    assert read_record(project) == record
