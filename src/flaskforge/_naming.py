"""Check what a user typed: the NAME, the one-line description and the deployment names.

The NAME is a directory, a package and a deployment name at once. The image registry and the
Kubernetes namespace land in deployment files, so they must be names of their kind.

Pure functions: no disk, no output. Everything here runs before anything is written.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from flaskforge.errors import InvalidDeploymentSetting, InvalidDescription, InvalidProjectName

_ALLOWED = re.compile(r"[A-Za-z0-9_-]+")
_MAX_LENGTH = 64
#: The longest DNS-1123 label (a Kubernetes namespace, Service or Job name, a label value).
DNS_LABEL_MAX = 63

# An image reference's parts (the distribution spec's grammar), lower case only: a registry host
# (with an optional port), or a Docker Hub account, then optional path components.
_HOST = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REGISTRY = re.compile(rf"{_HOST}(?:/{_PATH_COMPONENT})*")
#: The longest image name (registry and repository) the registries accept.
IMAGE_NAME_MAX = 255
_DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")
# Namespaces a service's manifests must not create or relabel.
_SYSTEM_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})

# Names a project package must not take although no dependency provides them: the folder of its
# own tests, and the conventional name of a Flask app module.
_LAYOUT_NAMES = frozenset({"app", "test", "tests"})


@dataclass(frozen=True)
class ProjectName:
    """A validated project name.

    Attributes:
        project: the directory and distribution name, as the user typed it (``my-service``).
        package: the Python import name (``my_service``).
    """

    project: str
    package: str

    @property
    def deploy(self) -> str:
        """The name of deployed things: Kubernetes objects, labels, image, compose project.

        A DNS-1123 label (see :func:`dns_label`): ``My_Service`` deploys as ``my-service``.
        """
        return dns_label(self.project)


def parse_project_name(name: str, *, reserved: Mapping[str, str] | None = None) -> ProjectName:
    """Validate ``name`` and derive the package name from it.

    Args:
        name: what the user typed as NAME.
        reserved: top-level modules the package must not shadow, each with the distribution
            that provides it (the dependencies' modules, from the catalogue).

    Returns:
        The directory name and the Python package name.

    Raises:
        InvalidProjectName: with the reason and what to type instead.
    """
    if not name.strip():
        raise InvalidProjectName(name, "the name is empty; give a name such as 'my-service'")
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise InvalidProjectName(
            name, "a name is not a path; give a plain name and choose the parent with --output-dir"
        )
    if not _ALLOWED.fullmatch(name):
        raise InvalidProjectName(
            name, "use only letters, digits, '-' and '_', for example 'my-service'"
        )
    if not name[0].isalpha():
        raise InvalidProjectName(
            name, "it must start with a letter, for example 'svc-" + name + "'"
        )
    if not name[-1].isalnum():
        raise InvalidProjectName(name, "it must end with a letter or a digit")
    if len(name) > _MAX_LENGTH:
        raise InvalidProjectName(name, f"it is longer than {_MAX_LENGTH} characters")
    package = name.lower().replace("-", "_")
    if keyword.iskeyword(package) or keyword.issoftkeyword(package):
        raise InvalidProjectName(name, f"{package!r} is a Python keyword; try '{name}-service'")
    # Compared without case: on macOS and Windows, 'Yaml' would shadow 'yaml' too.
    modules = {module.lower(): owner for module, owner in (reserved or {}).items()}
    if package in sys.stdlib_module_names:
        clash = f"would shadow {package!r} from Python's standard library"
    elif package in modules:
        clash = f"would shadow {package!r} from {modules[package]}, a dependency of the service"
    elif package in _LAYOUT_NAMES:
        clash = "is a name the project's own layout uses"
    else:
        return ProjectName(project=name, package=package)
    raise InvalidProjectName(name, f"a package named {package!r} {clash}; try '{name}-service'")


def parse_description(text: str) -> str:
    """Check a description and return it on one line, runs of spaces made single.

    Every character must be printable, or a space (any width of space: U+00A0 too). Control
    characters (tab, newline, ESC, DEL), format characters (such as bidirectional overrides),
    lone surrogates (what a command line's undecodable bytes become) and unassigned or
    private-use code points are refused: they have no place in a README or package metadata,
    and some cannot be written as TOML or UTF-8 at all.

    Raises:
        InvalidDescription: naming the first such character and its position.
    """
    for position, character in enumerate(text):
        if not (character.isprintable() or unicodedata.category(character) == "Zs"):
            raise InvalidDescription(character, position)
    return " ".join(text.split())


def dns_label(project: str, suffix: str = "") -> str:
    """``project`` (a valid project name) as a DNS-1123 label, with ``-suffix`` if given.

    Kubernetes names its namespaces, Services and Jobs, and caps its label values, this way:
    lower-case letters, digits and ``-``, starting and ending with a letter or digit, at most 63
    characters. A project name already starts with a letter and uses only letters, digits,
    ``-`` and ``_``; it is lower-cased, ``_`` becomes ``-``, and it is cut short enough for the
    suffix to fit, without a trailing ``-``. The same name always gives the same label.
    """
    room = DNS_LABEL_MAX - (len(suffix) + 1 if suffix else 0)
    label = project.lower().replace("_", "-")[:room].rstrip("-")
    return f"{label}-{suffix}" if suffix else label


def parse_image_registry(text: str) -> str:
    """Check where the service's image is pushed: a registry and optional path, no image name.

    ``ghcr.io/acme``, ``registry.example.com:5000/team`` and ``acme`` (a Docker Hub account)
    are registries; the image is then ``REGISTRY/<deploy name>``.

    Raises:
        InvalidDeploymentSetting: what is wrong with it.
    """
    example = "ghcr.io/acme"
    if not text:
        raise InvalidDeploymentSetting("image registry", text, "it is empty", example)
    for character in text:
        if not character.isprintable() or character.isspace():
            reason = f"it holds U+{ord(character):04X}, which is not part of a name"
            raise InvalidDeploymentSetting("image registry", text, reason, example)
    if "://" in text:
        reason = "a registry is written without a scheme"
        raise InvalidDeploymentSetting("image registry", text, reason, example)
    if not _REGISTRY.fullmatch(text):
        reason = (
            "use lower-case letters, digits, '.', '-' and '_', a ':port' after the host, and '/'"
            " between parts (no tag, no trailing '/')"
        )
        raise InvalidDeploymentSetting("image registry", text, reason, example)
    if len(text) + 1 + DNS_LABEL_MAX > IMAGE_NAME_MAX:
        reason = f"with the image's name it would exceed {IMAGE_NAME_MAX} characters"
        raise InvalidDeploymentSetting("image registry", text, reason, example)
    return text


def parse_namespace(text: str) -> str:
    """Check a Kubernetes namespace for the service: a DNS-1123 label, not a system namespace.

    Raises:
        InvalidDeploymentSetting: what is wrong with it.
    """
    example = "payments"
    if not _DNS_LABEL.fullmatch(text) or len(text) > DNS_LABEL_MAX:
        reason = (
            f"a namespace is at most {DNS_LABEL_MAX} lower-case letters, digits and '-',"
            " starting and ending with a letter or digit"
        )
        raise InvalidDeploymentSetting("Kubernetes namespace", text, reason, example)
    if text in _SYSTEM_NAMESPACES:
        reason = "it is one of Kubernetes' own namespaces, which the manifests would relabel"
        raise InvalidDeploymentSetting("Kubernetes namespace", text, reason, example)
    return text
