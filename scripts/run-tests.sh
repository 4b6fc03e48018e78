#!/usr/bin/env bash
# All tests on a fresh machine: install what is needed, build with warnings as errors, and run
# every suite (unit, api against a real netconfd that the suite starts itself, build checks).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build -Dwerror=true
meson configure build -Dwerror=true
ninja -C build
meson test -C build --print-errorlogs "$@"
