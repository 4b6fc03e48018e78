#!/usr/bin/env bash
# Install what the libFuzzer harnesses (tests/fuzz/run.sh) need on a Debian 12 machine, on top of
# the build dependencies (scripts/install-deps.sh): clang 14 and its runtime libraries (libFuzzer,
# AddressSanitizer, UndefinedBehaviorSanitizer). Debian packages only; nothing else changes.
#
# Idempotent: nothing is fetched when the packages are already installed.
# Usage: scripts/install-fuzz-deps.sh
set -euo pipefail

PACKAGES=(clang-14 libclang-rt-14-dev llvm-14)

log() { echo "install-fuzz-deps.sh: $*" >&2; }

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    command -v sudo >/dev/null 2>&1 || { log "not root and sudo is not available"; exit 1; }
    SUDO=(sudo)
fi

missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing: ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
    log "all packages already installed"
fi
