"""Resources in the project record, and the checks on what ``add-resource`` is given."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from flaskforge._record import ProjectRecord, RecordedResource, dump_record, parse_record
from flaskforge._resources import (
    Field,
    parse_field,
    parse_fields,
    parse_resource_name,
    plural_of,
    singular_of,
)
from flaskforge.errors import InvalidResource, UsageError

RECORD = ProjectRecord(
    flaskforge_version="0.1.0",
    project_name="shop",
    package_name="shop",
    description="A shop",
    extensions=("database",),
    targets=(),
)

#: One field of each type, as typed and as the record keeps it.
EVERY_TYPE = [
    ("name:str:120", "name:str:120"),
    ("nickname:str?", "nickname:str:255?"),
    ("notes:text?", "notes:text?"),
    ("quantity:int", "quantity:int"),
    ("total:decimal", "total:decimal"),
    ("paid:bool", "paid:bool"),
    ("due_on:date", "due_on:date"),
    ("placed_at:datetime", "placed_at:datetime"),
    ("token:uuid", "token:uuid"),
    ("status:enum:new,paid,sent", "status:enum:new,paid,sent"),
    ("customer_id:ref:customers", "customer_id:ref:customers"),
    ("parent_id:ref:orders?", "parent_id:ref:orders?"),
]


@pytest.mark.parametrize(("typed", "canonical"), EVERY_TYPE, ids=[t for t, _ in EVERY_TYPE])
def test_each_field_type_is_read_and_recorded_canonically(typed: str, canonical: str) -> None:
    field = parse_field(typed, resource="orders", resources=["customers"])

    assert field.spec == canonical
    assert parse_field(field.spec, resource="orders", resources=["customers"]) == field


#: Ranges of ints and decimals, as typed and as the record keeps them: one spelling of each
#: number, and an end left out stays out.
RANGES = [
    ("quantity:int:1..100", "quantity:int:1..100"),
    ("quantity:int:+01..0100", "quantity:int:1..100"),
    ("quantity:int:1..", "quantity:int:1.."),
    ("delta:int:..-1", "delta:int:..-1"),
    ("delta:int:-0..0", "delta:int:0..0"),
    ("delta:int:-2147483648..2147483647?", "delta:int:-2147483648..2147483647?"),
    ("price:decimal:0..", "price:decimal:0.."),
    ("price:decimal:-0.00..", "price:decimal:0.."),
    ("score:decimal:0.5..9.99?", "score:decimal:0.5..9.99?"),
    ("score:decimal:+0.50..009.990", "score:decimal:0.5..9.99"),
    ("score:decimal:1.50..100.00", "score:decimal:1.5..100"),
    ("score:decimal:..-0.01", "score:decimal:..-0.01"),
    ("score:decimal:-9999999999.99..9999999999.99", "score:decimal:-9999999999.99..9999999999.99"),
]


@pytest.mark.parametrize(("typed", "canonical"), RANGES, ids=[t for t, _ in RANGES])
def test_a_range_is_read_and_recorded_canonically(typed: str, canonical: str) -> None:
    field = parse_field(typed, resource="orders")

    assert field.spec == canonical
    assert field.ranged
    assert parse_field(field.spec, resource="orders") == field


def test_a_range_holds_its_ends_as_numbers() -> None:
    assert parse_field("score:decimal:0.5..", resource="orders") == Field(
        "score", "decimal", low=Decimal("0.5"), high=None
    )
    assert parse_field("quantity:int:..100", resource="orders").high == 100
    assert not parse_field("quantity:int", resource="orders").ranged


def test_a_field_spells_out_what_it_holds() -> None:
    assert parse_field("status:enum:new,paid?", resource="orders") == Field(
        "status", "enum", optional=True, values=("new", "paid")
    )
    assert parse_field("title:str:80", resource="orders").length == 80


BAD_FIELDS = [
    ("total", "write NAME:TYPE"),
    ("total:money", "unknown type 'money'"),
    ("name:str:0", "maximum length is a number from 1 to 10000"),
    ("name:str:big", "maximum length is a number"),
    ("name:str:\u00b2", "maximum length is a number"),
    ("name:str:\uff11\uff12", "maximum length is a number"),
    ("name:str:" + "9" * 5000, "maximum length is a number"),
    ("status:enum:", "list the values after 'enum:'"),
    ("status:enum:a,a", "listed twice"),
    ("status:enum:a b", "list the values"),
    ("customer_id:ref:clients", "'clients' is not a resource of the project"),
    ("parent_id:ref:orders", "must be optional"),
    ("paid:bool:yes", "takes no argument"),
    ("Total:int", "lower-case letters"),
    ("class:int", "Python keyword"),
    ("id:int", "already means something"),
    ("fields:str", "already means something"),
    ("metadata:str", "already means something"),
    ("list:str", "already means something"),
    ("page_size:int:1..5", "already means something"),  # PAGE_SIZE_MAX
    ("decimal:str", "already means something"),  # DECIMAL_MAX
    ("a" * 31 + ":int", "longer than 30"),
    ("na\x1bme:int", "unprintable character U+001B"),
    ("name:str\u202e", "unprintable character U+202E"),
    # Ranges: on int and decimal only, at least one end, in digits, inside the column, in order.
    ("name:str:1..5", "only int and decimal take a range"),
    ("paid:bool:1..", "only int and decimal take a range, as in 'quantity:int:1..100'"),
    ("due_on:date:..5", "only int and decimal take a range"),
    ("quantity:int:..", "give at least one end of the range, as in 'quantity:int:1..100'"),
    ("quantity:int:5", "a range is MIN..MAX, either end left out"),
    ("quantity:int:a..b", "the bound 'a' is not an integer (digits 0-9)"),
    ("quantity:int:1...5", "the bound '.5' is not an integer"),
    ("quantity:int:1.5..2", "the bound '1.5' is not an integer"),
    ("quantity:int: 1..2", "the bound ' 1' is not an integer"),
    ("quantity:int:5..1", "first bound (5) is above its second (1): write 'quantity:int:1..5'"),
    ("price:decimal:1..0.5", "write 'price:decimal:0.5..1'"),
    ("quantity:int:1e3..", "the bound '1e3' is not an integer"),
    ("price:decimal:1e3..", "the bound '1e3' is not a decimal number"),
    ("price:decimal:nan..", "the bound 'nan' is not a decimal number"),
    ("price:decimal:..inf", "the bound 'inf' is not a decimal number"),
    ("price:decimal:.5..", "the bound '.5' is not a decimal number"),
    ("price:decimal:5...", "the bound '.' is not a decimal number"),
    ("quantity:int:\uff11..\uff12", "the bound '\uff11' is not an integer (digits 0-9)"),
    ("quantity:int:\u0661..", "is not an integer (digits 0-9)"),
    ("quantity:int:2147483648..", "outside what the column keeps, -2147483648 to 2147483647"),
    ("quantity:int:..-2147483649", "outside what the column keeps"),
    ("quantity:int:" + "9" * 5000 + "..", "the bound '99999999999999999999...' is outside"),
    (
        "price:decimal:10000000000..",
        "outside what the column keeps, -9999999999.99 to 9999999999.99",
    ),
    ("price:decimal:..-9999999999.999", "outside what the column keeps"),
    ("price:decimal:0.125..", "more than 2 places after the point"),
    ("price:decimal:0..1\x1b", "unprintable character U+001B"),
]


@pytest.mark.parametrize(("spec", "reason"), BAD_FIELDS, ids=[repr(s) for s, _ in BAD_FIELDS])
def test_a_bad_field_is_refused_in_one_line_with_exit_status_2(spec: str, reason: str) -> None:
    with pytest.raises(InvalidResource, match="Invalid field") as raised:
        parse_field(spec, resource="orders", resources=["customers"])

    assert reason in str(raised.value)
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, UsageError)
    assert raised.value.exit_code == 2


def test_a_field_given_twice_is_refused() -> None:
    with pytest.raises(InvalidResource, match="given twice"):
        parse_fields(["total:int", "total:decimal"], resource="orders")


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("orders", "order"),
        ("categories", "category"),
        ("boxes", "box"),
        ("addresses", "address"),
        ("order_lines", "order_line"),
    ],
)
def test_the_singular_is_derived_once_from_the_plural(plural: str, singular: str) -> None:
    name = parse_resource_name(plural)

    assert (name.plural, name.singular) == (plural, singular)
    assert singular_of(plural) == singular
    assert plural_of(singular) == plural


def test_the_class_name_is_the_singular_in_camel_case() -> None:
    assert parse_resource_name("order_lines").class_name == "OrderLine"


@pytest.mark.parametrize(
    ("plural", "indefinite"),
    [
        ("orders", "an order"),
        ("order_lines", "an order line"),
        ("customers", "a customer"),
        ("item_sales", "an item sale"),
        ("user_groups", "a user group"),
        ("units", "a unit"),
        ("umbrellas", "an umbrella"),
        ("euro_prices", "a euro price"),
        ("hours", "an hour"),
        ("houses", "a house"),
    ],
)
def test_sentences_take_the_singular_with_its_article(plural: str, indefinite: str) -> None:
    assert parse_resource_name(plural).indefinite == indefinite


BAD_NAMES = [
    ("", "it is empty"),
    ("Orders", "try 'orders'"),
    ("order-lines", "try 'order_lines'"),
    ("9lives", "starting with a letter"),
    ("inventory", "try 'inventories'"),
    ("classes", "'class' is a Python keyword"),
    ("items", "already uses that name"),
    ("auth", "try 'auths'"),  # not a plural, and reserved either way
    ("healths", "already uses that name"),
    ("users", "already uses that name"),
    ("docs", "already uses that name"),
    ("customers", "the project has it already"),
    ("x" * 31 + "s", "longer than 30"),
    ("or\x00ders", "unprintable character U+0000"),
    ("ord\ud800ers", "unprintable character U+D800"),
]


@pytest.mark.parametrize(("name", "reason"), BAD_NAMES, ids=[repr(n) for n, _ in BAD_NAMES])
def test_a_bad_resource_name_is_refused_with_a_suggestion(name: str, reason: str) -> None:
    with pytest.raises(InvalidResource, match="Invalid resource name") as raised:
        parse_resource_name(name, existing=["customers"])

    assert reason in str(raised.value)
    assert raised.value.exit_code == 2


def test_a_record_without_resources_reads_and_writes_as_before() -> None:
    text = dump_record(RECORD)

    assert "resources" not in text
    assert parse_record(text) == RECORD
    assert parse_record(text).resources == ()


def test_resources_round_trip_through_the_record() -> None:
    record = replace(
        RECORD,
        resources=(
            RecordedResource("customers", ("name:str:120",)),
            RecordedResource("orders", tuple(c for _, c in EVERY_TYPE)),
        ),
    )

    text = dump_record(record)

    assert parse_record(text) == record
    assert dump_record(parse_record(text)) == text
    assert text.endswith(
        '[[resources]]\nname = "orders"\nfields = ["name:str:120", "nickname:str:255?", '
        '"notes:text?", "quantity:int", "total:decimal", "paid:bool", "due_on:date", '
        '"placed_at:datetime", "token:uuid", "status:enum:new,paid,sent", '
        '"customer_id:ref:customers", "parent_id:ref:orders?"]\n'
    )


def test_a_removed_resource_and_the_same_name_added_again_round_trip() -> None:
    # customers named by the removed orders, then removed itself; orders added again.
    customers = RecordedResource("customers", ("name:str:120",), ("0001",), dropped=("d2",))
    first = RecordedResource("orders", ("c:ref:customers",), ("c1",), dropped=("c2",))
    again = RecordedResource("orders", ("note:text?",), ("d2",), removed_before=1)
    record = replace(RECORD, resources=(customers, first, again))

    text = dump_record(record)

    assert parse_record(text) == record
    assert dump_record(parse_record(text)) == text
    assert 'revises = ["c1"]\ndropped = ["c2"]\n' in text
    assert "removed_before" not in text  # derived from the order
    assert record.live_resources == (again,)


@pytest.mark.parametrize(
    ("tables", "problem"),
    [
        ('resources = "orders"\n', "not an array of tables"),
        ('[[resources]]\nfields = ["a:int"]\n', "'name' is missing"),
        ('[[resources]]\nname = "orders"\n', "'fields' is missing"),
        ('[[resources]]\nname = "orders"\nfields = ["a:money"]\n', "unknown type"),
        ('[[resources]]\nname = "items"\nfields = []\n', "already uses that name"),
        ('[[resources]]\nname = "orders"\nfields = []\ncolour = 1\n', "unknown keys"),
        (
            '[[resources]]\nname = "orders"\nfields = ["c:ref:customers"]\n'
            '[[resources]]\nname = "customers"\nfields = []\n',
            "not a resource of the project",
        ),
        (
            '[[resources]]\nname = "tags"\nfields = []\n'
            '[[resources]]\nname = "tags"\nfields = []\n',
            "the project has it already",
        ),
        (
            '[[resources]]\nname = "tags"\nfields = []\ndropped = ["0001"]\n'
            '[[resources]]\nname = "notes"\nfields = ["t:ref:tags"]\n',
            "not a resource of the project",
        ),
    ],
    ids=[
        "not-tables",
        "no-name",
        "no-fields",
        "bad-field",
        "reserved",
        "unknown-key",
        "ref-later",
        "twice",
        "ref-removed",
    ],
)
def test_a_broken_resource_in_the_record_is_refused(tables: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_record(dump_record(RECORD) + tables)


def _names_the_templates_use() -> set[str]:
    """Test modules (``tests/test_<name>.py``) and API packages (``api/v1/<name>/``) shipped."""
    from flaskforge import load_catalogue

    catalogue = load_catalogue()
    names: set[str] = set()
    for component in (catalogue.base, *catalogue.extensions, *catalogue.targets):
        for folder in component.files.parent.glob("files*"):
            names |= {
                p.name.split(".")[0].removeprefix("test_") for p in folder.rglob("test_*.py*")
            }
            names |= {p.name for p in folder.rglob("api/v1/*") if p.is_dir()}
        names |= set(component.hooks.resources)
    return names


def test_no_resource_can_take_a_test_module_or_api_package_the_templates_ship() -> None:
    # A resource brings tests/test_<name>.py and api/v1/<name>/: a new extension's own must
    # be added to RESERVED_RESOURCES, or add-resource could write over it.
    names = _names_the_templates_use()

    assert {"items", "auth", "tasks", "openapi", "database"} <= names
    for name in sorted(names):
        with pytest.raises(InvalidResource):
            parse_resource_name(name)
