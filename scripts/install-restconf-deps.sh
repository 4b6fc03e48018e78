#!/usr/bin/env bash
# Install the RESTCONF test peer: Jetconf (a RESTCONF server in Python) with
# its pinned dependencies in a dedicated virtualenv, plus openssl (for the
# test certificates), curl and python3-venv from Debian.
#
# Pins (see shared DESIGN.md, "Real peers for tests"): yangson 1.6.4 and later
# make GETs of containers reset the connection; jetconf 0.3.6 imports
# pkg_resources, gone from setuptools 81.
#
# Idempotent: packages already installed are not fetched again, and the
# virtualenv is left alone when it already holds exactly the pinned versions.
#
# Usage: scripts/install-restconf-deps.sh
# Environment:
#   DEVCONF_JETCONF_VENV   where the virtualenv lives
#                          (default /opt/devconf-jetconf-venv); the fixture
#                          tests/fixtures/restconf/jetconf-up.sh reads the same
#                          variable.
#   DEVCONF_JETCONF_PYTHON the interpreter the virtualenv is built from
#                          (default /usr/bin/python3, Debian's, whose venv
#                          module comes with python3-venv; not whatever
#                          python3 comes first on PATH)
set -euo pipefail

VENV=${DEVCONF_JETCONF_VENV:-/opt/devconf-jetconf-venv}
PYTHON=${DEVCONF_JETCONF_PYTHON:-/usr/bin/python3}
# The pins of DESIGN.md, then Jetconf's and yangson's own dependencies at the
# versions these were verified with (so that a new release of one of them
# cannot change the test peer under us).
PIP_PINS=(
    jetconf==0.3.6 yangson==1.6.3 h2==4.1.0 'setuptools<81'
    hpack==4.2.0 hyperframe==6.1.0 colorlog==6.12.0 pytz==2026.6
    PyYAML==6.0.3 pyaml==26.7.0 elementpath==4.8.0
)
PACKAGES=(python3 python3-venv python3-pip openssl curl libyuma-base procps)

log() { echo "install-restconf-deps.sh: $*" >&2; }

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    if ! command -v sudo >/dev/null 2>&1; then
        log "not root and sudo is not available"
        exit 1
    fi
    SUDO=(sudo)
fi

# --- Debian packages -------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing+=("$p")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing: ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
else
    log "Debian packages already installed"
fi

# --- the virtualenv --------------------------------------------------------
base_prefix() { "$1" -c 'import sys; print(sys.base_prefix)' 2>/dev/null; }

venv_ok() {
    [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/jetconf" ] || return 1
    # built from the expected interpreter
    [ "$(base_prefix "$VENV/bin/python")" = "$(base_prefix "$PYTHON")" ] || return 1
    "$VENV/bin/python" - "${PIP_PINS[@]}" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    if "==" in pin:
        name, want = pin.split("==")
        if version(name) != want:
            sys.exit(1)
    elif "<" in pin:
        name, below = pin.split("<")
        if int(version(name).split(".")[0]) >= int(below):
            sys.exit(1)
import jetconf, yangson, pkg_resources  # noqa: F401  (must import cleanly)
EOF
}

if venv_ok; then
    log "Jetconf virtualenv at $VENV already up to date"
else
    if [ "$(base_prefix "$VENV/bin/python" || true)" != "$(base_prefix "$PYTHON")" ]; then
        # Missing, broken (its interpreter is gone) or built from another
        # interpreter: build it afresh.
        log "creating virtualenv $VENV from $PYTHON"
        "${SUDO[@]}" mkdir -p "$(dirname "$VENV")"
        "${SUDO[@]}" "$PYTHON" -m venv --clear "$VENV"
    fi
    log "installing ${PIP_PINS[*]} into $VENV"
    "${SUDO[@]}" "$VENV/bin/python" -m pip install --disable-pip-version-check \
        --no-input --quiet "${PIP_PINS[@]}"
    if ! venv_ok; then
        log "the virtualenv at $VENV does not hold the pinned versions after install"
        "$VENV/bin/python" -m pip list >&2 || true
        exit 1
    fi
fi

log "done ($VENV/bin/jetconf)"
