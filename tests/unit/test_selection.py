from __future__ import annotations

from pathlib import Path

import pytest

from flaskforge._catalogue import Catalogue
from flaskforge._selection import implied_choices, resolve_selection, split_choices
from flaskforge.errors import ConflictingChoices, UnknownChoice, UsageError
from tests.helpers import extension, make_catalogue


@pytest.fixture
def catalogue(tmp_path: Path) -> Catalogue:
    return make_catalogue(
        tmp_path,
        {
            "extensions/caching/manifest.toml": extension("caching", recommended=True),
            "extensions/database/manifest.toml": extension(
                "database", recommended=True, conflicts=["mongo"]
            ),
            "extensions/migrations/manifest.toml": extension("migrations", requires=["database"]),
            "extensions/mongo/manifest.toml": extension("mongo", conflicts=["database"]),
            "targets/docker/manifest.toml": extension("docker", recommended=True),
            "targets/kubernetes/manifest.toml": extension(
                "kubernetes", aliases=["k8s"], requires=["docker"]
            ),
        },
    )


def test_nothing_given_takes_the_recommended_set(catalogue: Catalogue) -> None:
    selection = resolve_selection(catalogue, extensions=None, targets=None)
    assert selection.extensions == ("caching", "database")
    assert selection.targets == ("docker",)
    assert selection.implied == ()


def test_none_selects_nothing(catalogue: Catalogue) -> None:
    selection = resolve_selection(catalogue, extensions=["none"], targets=["none"])
    assert (selection.extensions, selection.targets) == ((), ())


def test_none_cannot_be_mixed(catalogue: Catalogue) -> None:
    with pytest.raises(UsageError, match="'none' cannot be combined"):
        resolve_selection(catalogue, extensions=["none", "caching"], targets=None)


def test_requirements_are_added_and_reported(catalogue: Catalogue) -> None:
    selection = resolve_selection(catalogue, extensions=["migrations"], targets=["k8s"])
    assert selection.extensions == ("database", "migrations")
    assert selection.targets == ("docker", "kubernetes")
    assert selection.implied == ("database", "docker")


def test_commas_repeats_case_and_blanks_are_accepted(catalogue: Catalogue) -> None:
    assert split_choices(["caching, Database", "", "k8s,"]) == ["caching", "database", "k8s"]
    selection = resolve_selection(
        catalogue, extensions=["caching,database", "caching"], targets=["none"]
    )
    assert selection.extensions == ("caching", "database")


def test_unknown_names_suggest_the_closest(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownChoice) as caught:
        resolve_selection(catalogue, extensions=["cachng"], targets=None)
    assert str(caught.value) == (
        "Unknown extension 'cachng'. Did you mean 'caching'? "
        "Run 'flaskforge extensions' to list them."
    )
    with pytest.raises(UnknownChoice, match=r"Unknown target 'helm'\..*flaskforge targets"):
        resolve_selection(catalogue, extensions=None, targets=["helm"])


def test_conflicts_are_refused_even_when_implied(catalogue: Catalogue) -> None:
    with pytest.raises(ConflictingChoices, match="'database' and 'mongo' cannot be used together"):
        resolve_selection(catalogue, extensions=["mongo", "migrations"], targets=None)


def test_implied_choices_names_the_extension_that_needs_it(catalogue: Catalogue) -> None:
    assert implied_choices(catalogue, "extension", ["migrations"]) == {"database": "migrations"}
    assert implied_choices(catalogue, "extension", ["migrations", "database"]) == {}
