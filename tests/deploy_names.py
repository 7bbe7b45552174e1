"""The naming rules deployment names must follow, and the odd project names that test them.

A project name may have capitals and underscores and be 64 characters long; Kubernetes names,
label values, image names and the compose project may not. ``tests/render/test_deploy_names.py``
checks the files as written, ``tests/e2e/test_deploy_names.py`` what kustomize renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from flaskforge._naming import DNS_LABEL_MAX

# Kubernetes' own rules (k8s.io/apimachinery/pkg/util/validation).
DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
DNS1123_SUBDOMAIN = re.compile(rf"{DNS1123_LABEL.pattern}(\.{DNS1123_LABEL.pattern})*")
LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
# The distribution reference grammar (a repository path; tags and digests are checked apart).
IMAGE_PATH = re.compile(r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*")
IMAGE_TAG = re.compile(r"[\w][\w.-]{0,127}")
# docker compose: a project name is lower case letters, digits, '-' and '_', from a letter/digit.
COMPOSE_PROJECT = re.compile(r"[a-z0-9][a-z0-9_-]*")

#: Kinds whose names Kubernetes checks as DNS-1123 labels (a Service as a DNS-1035 label); a Job
#: name becomes the value of its pods' job-name label. Every other object: a DNS-1123 subdomain.
LABEL_NAMED = {"Namespace", "Job", "Deployment", "Service"}

ODD_NAMES = [
    pytest.param("My_Service", id="capitals-and-underscore"),
    pytest.param("Svc__Two-x", id="double-underscore"),
    # 64 characters; cut to 63, the last one would be "-".
    pytest.param("A" + "b" * 61 + "_c", id="64-cut-before-dash"),
    # 64 characters whose cut for a process name ("-migrate", "-worker") lands on a "_".
    pytest.param("Q" * 54 + "_" + "r" * 9, id="64-cut-for-suffix"),
    pytest.param("x" + "-y" * 31 + "z", id="64-dashes"),
]


def full_match(pattern: re.Pattern[str], value: str, most: int) -> bool:
    return len(value) <= most and pattern.fullmatch(value) is not None


def check_object_name(kind: str, name: str) -> None:
    if kind == "Service":
        assert full_match(DNS1035_LABEL, name, DNS_LABEL_MAX), f"{kind} {name!r}"
    elif kind in LABEL_NAMED:
        assert full_match(DNS1123_LABEL, name, DNS_LABEL_MAX), f"{kind} {name!r}"
    else:
        assert full_match(DNS1123_SUBDOMAIN, name, 253), f"{kind} {name!r}"


def check_labels(where: str, labels: dict[str, Any] | None) -> None:
    for key, value in (labels or {}).items():
        assert full_match(LABEL_VALUE, str(value), 63), f"{where}: label {key}={value!r}"


def check_image(image: str) -> None:
    path, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    assert full_match(IMAGE_PATH, path, 255), f"image {image!r}"
    assert not tag or IMAGE_TAG.fullmatch(tag), f"image tag {image!r}"


def _walk(doc: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair of a YAML document, at any depth."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(doc, list):
        for item in doc:
            yield from _walk(item)


def check_manifest(doc: dict[str, Any], namespace: str) -> None:
    """One Kubernetes object: its name, namespace, labels, selectors, references and images."""
    kind, metadata = doc["kind"], doc["metadata"]
    check_object_name(kind, metadata["name"])
    if kind != "Namespace":
        assert metadata.get("namespace") == namespace, f"{kind} {metadata['name']}"
    for key, value in _walk(doc):
        if key in ("labels", "matchLabels"):
            check_labels(f"{kind} {metadata['name']}", value)
        elif key == "image":
            check_image(value)
        elif key == "serviceAccountName":
            check_object_name("ServiceAccount", value)
        elif key in ("configMapRef", "secretRef"):
            check_object_name("ConfigMap", value["name"])
        elif key == "service" and isinstance(value, dict):  # an Ingress backend
            check_object_name("Service", value["name"])
        elif key == "hosts":
            for host in value:
                assert full_match(DNS1123_SUBDOMAIN, host, 253), host
                assert all(len(part) <= DNS_LABEL_MAX for part in host.split("."))


def check_kustomization(doc: dict[str, Any], namespace: str) -> None:
    """The names a kustomization.yaml gives: namespace, generated objects, images."""
    assert doc["namespace"] == namespace
    for generator in (*doc.get("configMapGenerator", ()), *doc.get("secretGenerator", ())):
        check_object_name("ConfigMap", generator["name"])
    for image in doc.get("images", ()):
        check_image(image["name"])
        check_image(f"{image['newName']}:{image['newTag']}")
    for labels in doc.get("labels", ()):
        check_labels("kustomization", labels["pairs"])
