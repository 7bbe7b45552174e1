"""Every deployment name, as written in the files, derives from a DNS-1123 form of the project
name, whatever the name is (the rules and the names: ``tests/deploy_names.py``)."""

from __future__ import annotations

import pytest
import yaml

from flaskforge import plan_project
from flaskforge._naming import DNS_LABEL_MAX, dns_label, parse_project_name
from tests.deploy_names import (
    COMPOSE_PROJECT,
    ODD_NAMES,
    check_image,
    check_kustomization,
    check_manifest,
    full_match,
)
from tests.generated import everything


@pytest.mark.parametrize("name", ODD_NAMES)
def test_every_written_deployment_name_is_valid(name: str) -> None:
    extensions, targets = everything()
    plan = plan_project(name, output_dir="unused", extensions=extensions, targets=targets)
    namespace = dns_label(name)
    assert namespace == parse_project_name(name).deploy
    checked = 0
    for path, file in plan.files.items():
        if not path.startswith("deploy/k8s/") or not path.endswith(".yaml"):
            continue
        for doc in yaml.safe_load_all(file.content):
            if doc and doc.get("kind") == "Kustomization":
                check_kustomization(doc, namespace)
            elif doc:
                check_manifest(doc, namespace)
            checked += 1
    assert checked >= 10
    compose = yaml.safe_load(plan.files["compose.yaml"].content)
    assert full_match(COMPOSE_PROJECT, compose["name"], DNS_LABEL_MAX)
    for service in compose["services"].values():
        if "image" in service:
            check_image(service["image"])
    workflow = yaml.safe_load(plan.files[".github/workflows/container.yml"].content)
    build = next(s for s in workflow["jobs"]["image"]["steps"] if "build-push" in s.get("uses", ""))
    check_image(build["with"]["tags"])
