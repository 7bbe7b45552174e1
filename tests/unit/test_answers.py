"""Reusable answers: `new --answers-file` (a team's defaults) and `new --from` (another project).

Through the CLI, as a user runs it without a terminal (CliRunner's input is not one), on the
shipped catalogue: what each source answers, which wins, and hostile files refused in one line
with exit status 2 and nothing written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import load_answers_file, load_project_answers
from flaskforge._answers import ANSWER_KEYS
from flaskforge._record import ProjectRecord, dump_record, parse_record
from flaskforge.cli import cli

TEAM = """
description = "Order service"
extensions = ["database", "caching"]
targets = ["docker", "kubernetes"]
image_registry = "ghcr.io/acme"
kubernetes_namespace = "payments"
"""


def _new(runner: CliRunner, root: Path, *args: str):
    return runner.invoke(cli, ["new", *args, "--no-git", "-o", str(root)], catch_exceptions=False)


def _record(project: Path) -> dict:
    return tomllib.loads((project / ".flaskforge.toml").read_text("utf-8"))


def test_an_answers_file_answers_every_question(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text(TEAM)

    result = _new(runner, tmp_path / "out", "orders", "--answers-file", str(tmp_path / "team.toml"))

    assert result.exit_code == 0, result.output
    record = _record(tmp_path / "out/orders")
    assert record["description"] == "Order service"
    assert record["extensions"] == ["caching", "database"]
    assert record["targets"] == ["docker", "kubernetes"]
    assert record["image_registry"] == "ghcr.io/acme"
    assert record["kubernetes_namespace"] == "payments"


def test_what_a_file_leaves_open_takes_its_default_without_a_prompt(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "team.toml").write_text('image_registry = "ghcr.io/acme"\n')

    result = _new(runner, tmp_path, "orders", "--answers-file", str(tmp_path / "team.toml"))

    assert result.exit_code == 0, result.output
    record = _record(tmp_path / "orders")
    assert record["description"] == "A Flask microservice"
    assert record["extensions"] == ["database", "metrics", "migrations", "openapi"]
    assert "kubernetes_namespace" not in record  # the default: the project's name


def test_flags_override_the_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text(TEAM)

    result = _new(
        runner,
        tmp_path,
        "orders",
        "--answers-file",
        str(tmp_path / "team.toml"),
        "-e",
        "cors",
        "-t",
        "none",
        "--description",
        "Mine",
        "--kubernetes-namespace",
        "orders-dev",
    )

    assert result.exit_code == 0, result.output
    record = _record(tmp_path / "orders")
    assert (record["extensions"], record["targets"]) == (["cors"], [])
    assert record["description"] == "Mine"
    assert record["kubernetes_namespace"] == "orders-dev"
    assert record["image_registry"] == "ghcr.io/acme"  # no flag: the file's


def test_from_takes_another_projects_selection_and_settings_not_its_description(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "team.toml").write_text(TEAM)
    first = _new(runner, tmp_path, "orders", "--answers-file", str(tmp_path / "team.toml"))
    assert first.exit_code == 0, first.output
    other = tmp_path / "orders/.flaskforge.toml"

    result = _new(runner, tmp_path, "billing", "--from", str(other))

    assert result.exit_code == 0, result.output
    record = _record(tmp_path / "billing")
    assert record["extensions"] == ["caching", "database"]
    assert record["targets"] == ["docker", "kubernetes"]
    assert record["image_registry"] == "ghcr.io/acme"
    assert record["kubernetes_namespace"] == "payments"
    assert record["description"] == "A Flask microservice"
    assert record["project_name"] == "billing"
    # The project folder works as well as its record.
    again = _new(runner, tmp_path / "2", "billing", "--from", str(tmp_path / "orders"))
    assert again.exit_code == 0, again.output
    assert _record(tmp_path / "2/billing") == record


def test_from_overrides_the_answers_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text(TEAM)
    (tmp_path / "other.toml").write_text(
        dump_record(ProjectRecord("0.1.0", "o", "o", "Other", ("cors",), ()))
    )

    result = _new(
        runner,
        tmp_path,
        "svc",
        "--answers-file",
        str(tmp_path / "team.toml"),
        "--from",
        str(tmp_path / "other.toml"),
    )

    assert result.exit_code == 0, result.output
    record = _record(tmp_path / "svc")
    assert (record["extensions"], record["targets"]) == (["cors"], [])
    assert record["description"] == "Order service"  # --from never takes a description
    assert record["image_registry"] == "ghcr.io/acme"  # the other project set none


def test_the_settings_reach_the_deployment_files(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text(TEAM)

    _new(runner, tmp_path, "orders", "--answers-file", str(tmp_path / "team.toml"))

    k8s = tmp_path / "orders/deploy/k8s"
    for overlay in ("dev", "prod"):
        text = (k8s / "overlays" / overlay / "kustomization.yaml").read_text()
        assert "namespace: payments\n" in text
        assert "    newName: ghcr.io/acme/orders\n" in text
    assert "  name: payments\n" in (k8s / "base/namespace.yaml").read_text()
    docs = (tmp_path / "orders/docs/deployment/docker.md").read_text()
    assert "docker push ghcr.io/acme/orders:0.1.0" in docs


# Hostile answers files: one line, exit 2, nothing written ------------------------------------

HOSTILE = {
    "unknown key": ('descripton = "x"\n', "Unknown key 'descripton'"),
    "not TOML": ("extensions = [\n", "is not valid TOML"),
    "not UTF-8": (b"description = '\xff'\n", "is not UTF-8 text"),
    "too large": ("# " + "x" * 70_000 + "\n", "is larger than 64 KiB"),
    "a string for a list": ('extensions = "database"\n', "'extensions' must be a list of names"),
    "numbers in a list": ("targets = [1]\n", "'targets' must be a list of names"),
    "a number for a string": ("image_registry = 5\n", "'image_registry' must be a string"),
    "a table for a string": ("[description]\nx = 1\n", "'description' must be a string"),
    "a boolean": ("kubernetes_namespace = true\n", "must be a string, not true or false"),
    "escape in a description": ('description = "a\\u001b[2Jb"\n', "U+001B"),
    "newline in a description": ('description = "a\\nb"\n', "U+000A"),
    "escape in a name": ('extensions = ["cach\\u001bing"]\n', "which is not a name"),
    "unknown extension": ('extensions = ["cachng"]\n', "Did you mean 'caching'?"),
    "registry with a scheme": ('image_registry = "https://ghcr.io"\n', "without a scheme"),
    "registry with a tag": ('image_registry = "ghcr.io/acme:1"\n', "no tag"),
    "registry in upper case": ('image_registry = "GHCR.io"\n', "lower-case"),
    "registry with a space": ('image_registry = "ghcr.io/a b"\n', "U+0020"),
    "namespace not a label": ('kubernetes_namespace = "Team_A"\n', "lower-case letters"),
    "namespace too long": (f'kubernetes_namespace = "{"a" * 64}"\n', "at most 63"),
    "system namespace": ('kubernetes_namespace = "kube-system"\n', "Kubernetes' own namespaces"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE), ids=str)
def test_a_hostile_answers_file_is_refused_in_one_line(
    runner: CliRunner, tmp_path: Path, case: str
) -> None:
    content, expected = HOSTILE[case]
    answers = tmp_path / "answers.toml"
    if isinstance(content, bytes):
        answers.write_bytes(content)
    else:
        answers.write_text(content, encoding="utf-8")

    result = runner.invoke(
        cli, ["new", "svc", "--no-git", "-o", str(tmp_path / "out"), "--answers-file", str(answers)]
    )

    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert expected in result.stderr
    assert "\x1b" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_key_lists_the_valid_ones(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("registry = 'x'\n")

    result = runner.invoke(cli, ["new", "svc", "--answers-file", str(tmp_path / "a.toml")])

    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith(f"Valid keys: {', '.join(ANSWER_KEYS)}.")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('extensions = []\ntargets = []\nregistry = "x"\n', "Unknown key 'registry'"),
        ('project_name = "x"\n', "it is not a flaskforge project record (no extensions)"),
        ('extensions = []\ntargets = []\nimage_registry = "UP"\n', "Invalid image registry"),
    ],
    ids=["unknown key", "not a record", "bad registry"],
)
def test_a_broken_project_record_is_refused_in_one_line(
    runner: CliRunner, tmp_path: Path, content: str, expected: str
) -> None:
    (tmp_path / "other.toml").write_text(content)

    result = runner.invoke(
        cli, ["new", "svc", "-o", str(tmp_path / "out"), "--from", str(tmp_path / "other.toml")]
    )

    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert expected in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--image-registry", "ghcr.io/acme/", "Invalid image registry"),
        ("--kubernetes-namespace", "default", "Invalid Kubernetes namespace"),
    ],
)
def test_a_bad_deployment_flag_is_refused_before_anything_is_asked(
    runner: CliRunner, tmp_path: Path, flag: str, value: str, expected: str
) -> None:
    result = runner.invoke(cli, ["new", "svc", "-o", str(tmp_path / "out"), flag, value])

    assert result.exit_code == 2
    assert expected in result.stderr
    assert "No terminal" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_library_reads_both_kinds_of_file(tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text(TEAM)
    (tmp_path / "rec.toml").write_text(
        dump_record(ProjectRecord("0.1.0", "o", "o", "Other", ("cors",), (), "", "payments"))
    )

    team = load_answers_file(tmp_path / "team.toml")
    other = load_project_answers(tmp_path / "rec.toml")

    assert team.extensions == ("database", "caching")
    assert (other.extensions, other.targets) == (("cors",), ("none",))
    assert (other.description, other.image_registry) == (None, None)
    assert other.kubernetes_namespace == "payments"


def test_records_without_the_settings_still_read_and_keep_them_absent() -> None:
    older = dump_record(ProjectRecord("0.1.0", "o", "o", "Older", ("cors",), ()))

    record = parse_record(older)

    assert (record.image_registry, record.kubernetes_namespace) == ("", "")
    assert "image_registry" not in older
    assert dump_record(record) == older


def test_another_project_s_resources_are_not_taken_by_from(tmp_path: Path) -> None:
    from flaskforge import RecordedResource

    record = ProjectRecord(
        "0.1.0", "o", "o", "Other", ("cors",), (), resources=(RecordedResource("orders", ()),)
    )
    (tmp_path / "rec.toml").write_text(dump_record(record))

    other = load_project_answers(tmp_path / "rec.toml")

    assert other.extensions == ("cors",)
