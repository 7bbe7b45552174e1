"""Ranges of int and decimal fields (``quantity:int:1..100``) in the files ``add-resource`` writes.

Rendered from a record, nothing installed: the schemas check the bounds given (an end left out
is the column's own limit), the resource's tests send values just outside them and the bounds
themselves, and a field without a range is written as it was before ranges existed.
"""

from __future__ import annotations

import ast
from decimal import Decimal

import pytest

from flaskforge import _resources, load_catalogue
from flaskforge._project import render_project
from flaskforge._record import ProjectRecord, RecordedResource
from flaskforge._resources import parse_field
from flaskforge.errors import InvalidResource

SELECTIONS = {"bare": (), "openapi": ("openapi",)}
SCHEMAS = "src/shop/api/v1/orders/schemas.py"
TESTS = "tests/test_orders.py"


def _render(extensions: tuple[str, ...], *fields: str) -> dict[str, str]:
    record = ProjectRecord(
        "0.1.0",
        "shop",
        "shop",
        "A shop",
        extensions,
        (),
        resources=(RecordedResource("orders", ("label:str:80", *fields)),),
    )
    files = render_project(load_catalogue(), record)
    return {path: file.content.decode("utf-8") for path, file in files.items()}


#: Ranges with both ends, the upper end left out, and the lower end left out (optional).
RANGED = ("rating:int:1..5", "price:decimal:0.5..", "d:int:..-1?")


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_the_schemas_check_the_bounds_given(selection: str) -> None:
    files = _render(SELECTIONS[selection], *RANGED)
    schemas = files[SCHEMAS]

    # An end left out is the column's limit: INT_MIN for an int, the largest decimal it keeps.
    for constant in (
        "RATING_MIN = 1\nRATING_MAX = 5\n",
        'PRICE_MIN = Decimal("0.5")\nPRICE_MAX = Decimal("9999999999.99")\n',
        "D_MIN = INT_MIN\nD_MAX = -1\n",
    ):
        assert constant in schemas
    if selection == "openapi":
        assert "rating = _integer(RATING_MIN, RATING_MAX, required=True)\n" in schemas
        assert "price = _decimal_between(PRICE_MIN, PRICE_MAX, required=True)\n" in schemas
        assert "d = _integer(D_MIN, D_MAX, allow_none=True, load_default=None)\n" in schemas
        assert 'validate=validate.Range(low, high, error="Must be between {min} and {max}.")' in (
            schemas
        )
        # The only decimal has a range: the helpers of a decimal without one are left out.
        assert "def _decimal(" not in schemas
        assert "def _within_decimal_range(" not in schemas
    else:
        assert "functools.partial(_integer, low=RATING_MIN, high=RATING_MAX)" in schemas
        assert "functools.partial(_decimal_between, low=PRICE_MIN, high=PRICE_MAX)" in schemas
        assert 'raise ValueError(f"Must be between {low} and {high}.")' in schemas
    compile(schemas, SCHEMAS, "exec")


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_the_tests_send_values_outside_the_range_and_its_ends(selection: str) -> None:
    files = _render(SELECTIONS[selection], *RANGED)
    tests = files[TESTS]

    for case in (
        '"rating",\n            0,\n            "Must be between 1 and 5.",',
        '"rating",\n            6,\n            "Must be between 1 and 5.",',
        '"price",\n            "0.49",\n            "Must be between 0.5 and 9999999999.99.",',
        '"d",\n            0,\n            "Must be between -2147483648 and -1.",',
    ):
        assert case in tests
    # Nothing past an end left out: there the column's limit holds, as without a range.
    assert '"d",\n            -2147483649,' not in tests
    for end in ('("rating", 1, 1),', '("rating", 5, 5),', '("price", "0.5", "0.50"),'):
        assert end in tests
    # The valid examples the other tests send lie inside the ranges.
    assert '    "rating": 5,\n' in tests  # 42 moved to the nearest end
    assert '    "d": -7,\n' in tests  # inside already
    compile(tests, TESTS, "exec")


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_a_field_without_a_range_is_written_as_before(selection: str) -> None:
    plain = _render(SELECTIONS[selection], "quantity:int", "total:decimal?")
    ranged = _render(SELECTIONS[selection], "quantity:int:1..5", "total:decimal:0..?")

    # What only a range writes.
    for text in ("QUANTITY_M", "TOTAL_M", "_decimal_between", "test_the_ends_of_a_range"):
        assert not any(text in content for content in plain.values()), text
    if selection == "openapi":
        assert "quantity = _integer(INT_MIN, INT_MAX, required=True)\n" in plain[SCHEMAS]
        assert "def _within_decimal_range(" in plain[SCHEMAS]
    # A range changes the schemas, the tests and the record only.
    changed = {path for path in plain if plain[path] != ranged.get(path)}
    assert changed == {SCHEMAS, TESTS, ".flaskforge.toml"}


def test_the_column_limits_are_the_schemas_own() -> None:
    schemas = _render(("openapi",), "quantity:int", "total:decimal")[SCHEMAS]
    values = {
        node.targets[0].id: eval(compile(ast.Expression(node.value), SCHEMAS, "eval"))
        for node in ast.parse(schemas).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        if node.targets[0].id in ("INT_MIN", "INT_MAX", "DECIMAL_PLACES", "DECIMAL_MAX")
    }

    assert values == {
        "INT_MIN": _resources.INT_MIN,
        "INT_MAX": _resources.INT_MAX,
        "DECIMAL_PLACES": _resources.DECIMAL_PLACES,
        "DECIMAL_MAX": _resources.DECIMAL_MAX,
    }
    assert _resources.RANGE_LIMITS["decimal"][1] == Decimal("9999999999.99")


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_no_field_s_constant_can_be_one_of_the_module_s(selection: str) -> None:
    # A field's limits are constants named after it (LABEL_MAX, RATING_MIN, STATUS_VALUES): a
    # field named so that one is the module's own (DECIMAL_MAX) would change that limit.
    fields = ("quantity:int", "total:decimal", "status:enum:a,b", "paid:bool")
    schemas = _render(SELECTIONS[selection], *fields)[SCHEMAS]
    own = [
        node.targets[0].id
        for node in ast.parse(schemas).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    ]

    for constant in own:
        stem, _, suffix = constant.rpartition("_")
        if stem in ("LABEL", "STATUS"):  # the fields' own
            continue
        if constant.isupper() and suffix in ("MAX", "MIN", "VALUES") and stem:
            with pytest.raises(InvalidResource):
                parse_field(f"{stem.lower()}:int:1..2", resource="orders")
