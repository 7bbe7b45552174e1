#!/usr/bin/env bash
# Prepare a Docker-less Debian machine to build and run generated images with podman.
#
# Idempotent: every step checks whether it is already done. Run as root on a fresh machine
# (CI calls it before the container tests). What it does and why:
#   1. installs podman, runc and debootstrap from Debian;
#   2. writes a containers.conf with file limits the VM allows (its hard nofile limit is below
#      podman's default) and runc (crun rejects hybrid cgroups);
#   3. builds a stand-in for the official Python base image from Debian packages, because no
#      container registry is reachable, and tags it with the exact name the generated
#      Dockerfile pins, so `podman build --pull=never` builds that Dockerfile unchanged.
#      The stand-in trusts the host's CA certificates, so pip works behind a TLS-inspecting proxy.
#
# Environment:
#   FF_BASE_IMAGE   the tag to give the stand-in (default: the one the generated Dockerfile pins)
#   FF_SUITE        Debian suite for the stand-in (default: bookworm)
#   FF_MIRROR       Debian mirror for debootstrap (default: the first one apt uses)
#
# Safe to run with bash or to source: when sourced, the work runs in a subshell (so its `exit`
# and shell options cannot end the caller) and FF_BASE_IMAGE is exported for the tests.

_ff_podman_setup() (
set -euo pipefail

BASE_IMAGE="${FF_BASE_IMAGE:-docker.io/library/python:3.12-slim-bookworm}"
SUITE="${FF_SUITE:-bookworm}"
CONF_DIR=/etc/containers
CONF_FILE="$CONF_DIR/containers.conf"
MARK="# written by flaskforge tests/infra/podman_setup.sh"

log() { printf '[podman_setup] %s\n' "$*" >&2; }

if docker info >/dev/null 2>&1 && ! docker info 2>/dev/null | grep -qi podman; then
    log "a real Docker engine answers; nothing to set up"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    log "run me as root (apt-get, debootstrap and rootful podman need it)"
    exit 1
fi

apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }

# catatonit is the pause process `podman kube play` needs for its pods.
packages=(podman runc catatonit debootstrap uidmap containernetworking-plugins slirp4netns
    ca-certificates)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
        || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    apt_get update -q >/dev/null
    apt_get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! grep -qF "$MARK" "$CONF_FILE" 2>/dev/null; then
    if [ -e "$CONF_FILE" ]; then
        cp -p "$CONF_FILE" "$CONF_FILE.before-flaskforge"
    fi
    mkdir -p "$CONF_DIR"
    cat >"$CONF_FILE" <<CONF
$MARK
[containers]
# The VM's hard limit on open files is 20000 and root cannot raise it.
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
# crun refuses this kernel's hybrid cgroup layout; runc copes.
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    log "wrote $CONF_FILE"
fi

if podman image exists "$BASE_IMAGE"; then
    log "stand-in base image $BASE_IMAGE already present"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mirror="${FF_MIRROR:-$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')}"
mirror="${mirror:-http://deb.debian.org/debian}"

rootfs_image="localhost/flaskforge-debian-python:$SUITE"
if ! podman image exists "$rootfs_image"; then
    log "debootstrap $SUITE from $mirror (about a minute)"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
        "$SUITE" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    # Keep the stand-in close to the official slim image: no apt lists, no docs.
    rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/usr/share/doc/"* \
        "$work/rootfs/usr/share/man/"* "$work/rootfs/var/cache/apt/"*.bin
    tar -C "$work/rootfs" -c . | podman import - "$rootfs_image" >/dev/null
    rm -rf "$work/rootfs"
fi

log "building the stand-in $BASE_IMAGE"
mkdir -p "$work/ctx/certs"
# Extra CAs of this host (a TLS-inspecting proxy); the official image has no such need.
find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$work/ctx/certs/" \; 2>/dev/null || true
cat >"$work/ctx/Containerfile" <<CONTAINERFILE
FROM $rootfs_image
COPY certs/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null \\
 && ln -sf /usr/bin/python3 /usr/local/bin/python \\
 && ln -sf /usr/bin/pip3 /usr/local/bin/pip \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED
ENV LANG=C.UTF-8 \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \\
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
CONTAINERFILE
podman build --pull=never --format docker -t "$BASE_IMAGE" "$work/ctx" >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; exit 1; }
log "ready: $BASE_IMAGE"
)

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    _ff_podman_setup "$@" || return $?
    export FF_BASE_IMAGE="${FF_BASE_IMAGE:-docker.io/library/python:3.12-slim-bookworm}"
else
    _ff_podman_setup "$@"
fi
