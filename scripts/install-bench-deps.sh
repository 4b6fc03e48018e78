#!/usr/bin/env bash
# Install what the benchmarks (bench/run.sh) need on a Debian 12 machine, on top of the build and
# test dependencies: the peers' Python clients in their own virtualenv.
#
#   - everything scripts/install-deps.sh installs (compilers, libyang/libnetconf2/libssh/libcurl,
#     netconfd, sshd, the devconf-test user, Jetconf), when something of it is missing;
#   - a virtualenv (default /opt/devconf-bench-venv, env DEVCONF_BENCH_VENV) built from Debian's
#     /usr/bin/python3 with ncclient, scrapli + scrapli-netconf over asyncssh, httpx with h2
#     (Jetconf speaks HTTP/2 only), and matplotlib for the chart, at the versions below.
#
# Pins: scrapli-netconf 2026.1.12 imports scrapli.AsyncDriver, which scrapli 2026.x no longer has,
# so scrapli stays at 2025.1.30.
#
# With --fleet, also what the fleet benchmark (bench/fleet/run.sh) needs:
#   - the simulated fleet (scripts/install-fleet-deps.sh: a Java runtime and OpenDaylight's
#     netconf-testtool under /opt/devconf-fleet);
#   - a second virtualenv (default /opt/devconf-bench-nornir-venv, env DEVCONF_BENCH_NORNIR_VENV)
#     with Nornir and nornir_netconf. Its own, because nornir_netconf 2.1.0 (the newest) wants
#     ncclient 0.6.x, and its tasks do not import with nornir 3.6.0 ("cannot import name
#     'Optional' from 'nornir.core.task'"): nornir stays at 3.5.0 there.
#
# Idempotent: nothing is fetched when everything is already there (a fraction of a second).
# Usage: scripts/install-bench-deps.sh [--fleet]
set -euo pipefail

FLEET=0
for a in "$@"; do
    case $a in
    --fleet) FLEET=1 ;;
    *) echo "install-bench-deps.sh: unknown argument $a (usage: install-bench-deps.sh [--fleet])" >&2; exit 2 ;;
    esac
done

VENV=${DEVCONF_BENCH_VENV:-/opt/devconf-bench-venv}
PYTHON=${DEVCONF_BENCH_PYTHON:-/usr/bin/python3}
PIP_PINS=(
    ncclient==0.7.1 paramiko==5.1.0
    scrapli==2025.1.30 scrapli-netconf==2026.1.12 asyncssh==2.24.1
    httpx==0.28.1 h2==4.4.1
    matplotlib==3.11.2
)

log() { echo "install-bench-deps.sh: $*" >&2; }
HERE=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    command -v sudo >/dev/null 2>&1 || { log "not root and sudo is not available"; exit 1; }
    SUDO=(sudo)
fi

# --- the build and test dependencies (servers, libraries, test user) ----------
jetconf_venv=${DEVCONF_JETCONF_VENV:-/opt/devconf-jetconf-venv}
base_ok=1
for tool in cc meson ninja pkg-config /usr/sbin/netconfd /usr/sbin/sshd /usr/sbin/netconf-subsystem \
    openssl "$jetconf_venv/bin/jetconf" "$PYTHON"; do
    command -v "$tool" >/dev/null 2>&1 || { base_ok=0; break; }
done
pkg-config --exists libyang libnetconf2 libssh libcurl 2>/dev/null || base_ok=0
getent passwd devconf-test >/dev/null || base_ok=0
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || base_ok=0
if [ "$base_ok" -eq 1 ]; then
    log "build and test dependencies already installed"
else
    log "installing the build and test dependencies (scripts/install-deps.sh)"
    bash "$HERE/install-deps.sh"
fi

# --- the virtualenv of the Python peers ----------------------------------------
venv_ok() {
    [ -x "$VENV/bin/python" ] || return 1
    "$VENV/bin/python" - "${PIP_PINS[@]}" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    if version(name) != want:
        sys.exit(1)
import ncclient, scrapli_netconf.driver, asyncssh, httpx, h2, matplotlib  # noqa: F401
from scrapli_netconf.driver import AsyncNetconfDriver  # noqa: F401
EOF
}

if venv_ok; then
    log "virtualenv $VENV already up to date"
else
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        log "creating virtualenv $VENV from $PYTHON"
        "${SUDO[@]}" mkdir -p "$(dirname "$VENV")"
        "${SUDO[@]}" "$PYTHON" -m venv --clear "$VENV"
    fi
    log "installing ${PIP_PINS[*]} into $VENV"
    "${SUDO[@]}" "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet "${PIP_PINS[@]}"
    if ! venv_ok; then
        log "the virtualenv at $VENV does not hold the pinned versions after install"
        "$VENV/bin/python" -m pip list >&2 || true
        exit 1
    fi
fi

# --- the fleet benchmark: the simulator and the Nornir virtualenv ---------------------
if [ "$FLEET" -eq 1 ]; then
    bash "$HERE/install-fleet-deps.sh"

    NORNIR_VENV=${DEVCONF_BENCH_NORNIR_VENV:-/opt/devconf-bench-nornir-venv}
    NORNIR_PINS=(
        nornir==3.5.0 nornir-netconf==2.1.0 ncclient==0.6.19 paramiko==5.1.0 lxml==6.1.3
        ruamel.yaml==0.19.1
    )
    nornir_ok() {
        [ -x "$NORNIR_VENV/bin/python" ] || return 1
        "$NORNIR_VENV/bin/python" - "${NORNIR_PINS[@]}" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    if version(name) != want:
        sys.exit(1)
from nornir_netconf.plugins.tasks import netconf_commit, netconf_edit_config, netconf_get_config  # noqa: F401
EOF
    }
    if nornir_ok; then
        log "virtualenv $NORNIR_VENV already up to date"
    else
        if [ ! -x "$NORNIR_VENV/bin/python" ] || ! "$NORNIR_VENV/bin/python" -c 'import sys' 2>/dev/null; then
            log "creating virtualenv $NORNIR_VENV from $PYTHON"
            "${SUDO[@]}" mkdir -p "$(dirname "$NORNIR_VENV")"
            "${SUDO[@]}" "$PYTHON" -m venv --clear "$NORNIR_VENV"
        fi
        log "installing ${NORNIR_PINS[*]} into $NORNIR_VENV"
        "${SUDO[@]}" "$NORNIR_VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
            "${NORNIR_PINS[@]}"
        nornir_ok || { log "the virtualenv at $NORNIR_VENV does not import nornir_netconf's tasks"; exit 1; }
    fi
fi
log "done ($VENV/bin/python)"
