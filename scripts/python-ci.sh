#!/usr/bin/env bash
# The Python package as a user gets it, in CI: build the sdist and the manylinux wheel
# (scripts/build-wheel.sh: auditwheel shows what is bundled), install the wheel into a FRESH
# virtualenv with LD_LIBRARY_PATH empty and no DEVCONF_LIBRARY, and run the package's whole test
# suite from that install (bindings/python/tests with DEVCONF_TEST_INSTALLED=1): the bundled
# library and CLI, the Nornir run (Nornir's threaded runner over 30 scripted devices through the
# entry points) and the Dask run (a LocalCluster of 2 worker processes running the fleet over
# inventory shards) included, never skipped (DEVCONF_REQUIRE_EXTRAS=1).
#
# Prints the wheel's install time and size. Needs what scripts/install-deps.sh installs (the test
# devices: netconfd, the scripted server's virtualenv, Jetconf).
# Usage: scripts/python-ci.sh            (about 3-4 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
HERE=$REPO/scripts
# shellcheck source=python-pins.sh
. "$HERE/python-pins.sh"
PYTHON=${DEVCONF_PY_PYTHON:-/usr/bin/python3}
log() { echo "python-ci.sh: $*" >&2; }

work=$(mktemp -d /tmp/devconf-python-ci.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== build the sdist and the wheel"
bash scripts/build-wheel.sh "$work/dist"
wheel=$(ls "$work"/dist/libdevconf-*-manylinux_*.whl)

echo "== install the wheel into a fresh virtualenv (LD_LIBRARY_PATH empty, no DEVCONF_LIBRARY)"
"$PYTHON" -m venv "$work/venv"
V=$work/venv/bin
t0=$(date +%s%N)
env -u LD_LIBRARY_PATH -u DEVCONF_LIBRARY "$V/pip" install --disable-pip-version-check --no-input --quiet \
    --no-deps --no-index "$wheel"
t1=$(date +%s%N)
"$PYTHON" - "$wheel" "$t0" "$t1" "$work/venv" <<'PY'
import glob, os, sys
wheel, t0, t1, venv = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
site = glob.glob(os.path.join(venv, "lib", "python3*", "site-packages"))[0]
size = sum(os.path.getsize(os.path.join(d, f)) for top in ("devconf", "libdevconf.libs")
           for d, _, fs in os.walk(os.path.join(site, top)) for f in fs)
print("python-ci.sh: pip install %s: %.1f s, wheel %.1f MB, installed %.1f MB (devconf/ and libdevconf.libs/)"
      % (os.path.basename(wheel), (t1 - t0) / 1e9, os.path.getsize(wheel) / 2**20, size / 2**20))
PY
(cd / && env -u LD_LIBRARY_PATH -u DEVCONF_LIBRARY "$V/python" -c \
    'import devconf; print("python-ci.sh: import devconf: libdevconf", devconf.library_version, "from", devconf.library_path)')

echo "== the tests' own tools in that virtualenv (pinned: pytest, asyncssh, nornir, dask, tqdm)"
"$V/pip" install --disable-pip-version-check --no-input --quiet "${DEVCONF_PY_TEST_PINS[@]}"

echo "== the package's tests, from the installed wheel (Nornir and Dask runs included)"
cd "$work"  # not the source tree: `import devconf` must find the installed package
env -u LD_LIBRARY_PATH -u DEVCONF_LIBRARY -u DEVCONF_BUILD_DIR \
    DEVCONF_TEST_INSTALLED=1 DEVCONF_REQUIRE_EXTRAS=1 DEVCONF_YANG_PATH=/usr/share/yuma/modules/ietf \
    PATH="$V:$PATH" \
    "$V/python" -m pytest "$REPO/bindings/python/tests" -q -p no:cacheprovider -rs
