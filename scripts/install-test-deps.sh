#!/usr/bin/env bash
# Install the Python tools of the test suite into a dedicated virtualenv:
# pytest (the python suite, bindings/python/tests) and asyncssh with bcrypt (the scripted
# NETCONF-over-SSH server, tests/fixtures/netconf/scripted/ncserver.py), with
# every dependency pinned. Nothing is installed into the system Python
# (stock Debian 12 refuses `pip install` there, PEP 668, and rightly so).
#
# Idempotent: Debian packages already installed are not fetched again, and
# the virtualenv is left alone when it already holds exactly the pinned
# versions.
#
# Usage: scripts/install-test-deps.sh
# Environment:
#   DEVCONF_TEST_VENV    where the virtualenv lives (default
#                        /opt/devconf-test-venv); tests/meson.build and
#                        tests/fixtures/netconf/scripted/ncserver-up.sh read
#                        the same variable.
#   DEVCONF_TEST_PYTHON  the interpreter the virtualenv is built from
#                        (default /usr/bin/python3, Debian's, whose venv
#                        module comes with python3-venv; not whatever python3
#                        comes first on PATH)
set -euo pipefail

VENV=${DEVCONF_TEST_VENV:-/opt/devconf-test-venv}
PYTHON=${DEVCONF_TEST_PYTHON:-/usr/bin/python3}
# The tools, then their own dependencies at the versions verified with them,
# so that a new release of one of them cannot change the test suite under us.
PIP_PINS=(
    pytest==9.2.0 asyncssh==2.24.1 bcrypt==5.0.0
    iniconfig==2.3.1 packaging==26.4 pluggy==1.7.0 Pygments==2.21.0
    cryptography==50.0.2 cffi==2.1.1 pycparser==3.12 typing_extensions==4.16.0
)
# openssh-client: ssh-keygen makes the scripted server's keys, ssh probes it.
PACKAGES=(python3 python3-venv python3-pip openssh-client libyuma-base libyang2 procps)

log() { echo "install-test-deps.sh: $*" >&2; }

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
    [ -x "$VENV/bin/python" ] || return 1
    # built from the expected interpreter
    [ "$(base_prefix "$VENV/bin/python")" = "$(base_prefix "$PYTHON")" ] || return 1
    "$VENV/bin/python" - "${PIP_PINS[@]}" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    if version(name) != want:
        sys.exit(1)
import asyncssh, pytest  # noqa: F401  (must import cleanly)
EOF
}

if venv_ok; then
    log "test virtualenv at $VENV already up to date"
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

log "done ($VENV/bin/python: pytest, asyncssh)"
