from __future__ import annotations

import pytest

from flaskforge._naming import DNS_LABEL_MAX, dns_label, parse_project_name
from flaskforge.errors import InvalidProjectName, UsageError


@pytest.mark.parametrize(
    ("name", "package"),
    [
        ("orders", "orders"),
        ("my-service", "my_service"),
        ("my_service", "my_service"),
        ("Billing-API2", "billing_api2"),
        ("a", "a"),
    ],
)
def test_valid_names_give_an_importable_package(name: str, package: str) -> None:
    parsed = parse_project_name(name)
    assert parsed.project == name
    assert parsed.package == package
    assert parsed.package.isidentifier()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("   ", "empty", id="blank"),
        pytest.param("my service", "only letters, digits", id="space"),
        pytest.param("123abc", "start with a letter", id="leading-digit"),
        pytest.param("-svc", "start with a letter", id="leading-dash"),
        pytest.param("svc-", "end with a letter or a digit", id="trailing-dash"),
        pytest.param("class", "Python keyword", id="keyword"),
        pytest.param("match", "Python keyword", id="soft-keyword"),
        pytest.param("json", "shadow", id="stdlib"),
        pytest.param("tests", "the project's own layout", id="tests"),
        pytest.param("../escape", "not a path", id="parent-path"),
        pytest.param("a/b", "not a path", id="nested-path"),
        pytest.param("..", "not a path", id="dotdot"),
        pytest.param("café", "only letters, digits", id="non-ascii"),
        pytest.param("x" * 65, "longer than 64", id="too-long"),
    ],
)
def test_invalid_names_are_refused_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(InvalidProjectName, match=reason) as caught:
        parse_project_name(name)
    message = str(caught.value)
    assert "\n" not in message
    assert isinstance(caught.value, UsageError)
    assert caught.value.exit_code == 2


def test_reserved_dependency_names_are_refused() -> None:
    reserved = {"flask_caching": "flask-caching", "YAML": "pyyaml"}
    with pytest.raises(InvalidProjectName, match="shadow 'flask_caching' from flask-caching"):
        parse_project_name("flask-caching", reserved=reserved)
    with pytest.raises(InvalidProjectName, match="shadow 'yaml' from pyyaml"):
        parse_project_name("yaml", reserved=reserved)
    assert parse_project_name("yaml-service", reserved=reserved).package == "yaml_service"


@pytest.mark.parametrize(
    ("name", "deploy"),
    [
        ("orders", "orders"),
        ("My_Service", "my-service"),
        ("A" + "b" * 61 + "_c", "a" + "b" * 61),
        ("a" * 64, "a" * 63),
    ],
)
def test_the_deployment_name_is_the_project_name_as_a_dns_label(name: str, deploy: str) -> None:
    assert parse_project_name(name).deploy == deploy


def test_suffixed_names_fit_and_never_end_in_a_dash() -> None:
    name = "Q" * 54 + "_" + "r" * 9
    assert dns_label(name, "migrate") == "q" * 54 + "-migrate"
    assert len(dns_label(name, "worker")) <= DNS_LABEL_MAX
    assert dns_label("orders", "worker") == "orders-worker"
