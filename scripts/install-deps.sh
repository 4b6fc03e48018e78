#!/usr/bin/env bash
# Install everything devconf needs to build and to run its test suite on a
# Debian 12 machine, and prepare the local account the test servers log in as.
#
# Idempotent: packages already installed are not fetched again, the test user
# is created only when missing, its password is (re)set every time.
#
# Usage: scripts/install-deps.sh
set -euo pipefail

PACKAGES=(
    build-essential pkg-config meson ninja-build check
    libyang2-dev libnetconf2-dev libcurl4-openssl-dev libssh-dev
    netconfd libyuma-base openssh-server openssh-client
    valgrind python3 python3-pip procps
)

TEST_USER=devconf-test
TEST_PASSWORD=devconf-test-pw

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-deps.sh: not root and sudo is not available" >&2
        exit 1
    fi
    SUDO=(sudo)
fi

# --- packages --------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps.sh: installing: ${missing[*]}" >&2
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${PACKAGES[@]}"
else
    echo "install-deps.sh: all packages already installed" >&2
fi

# --- local test user for the NETCONF-over-SSH test servers -----------------
if ! getent passwd "$TEST_USER" >/dev/null; then
    "${SUDO[@]}" useradd -m -s /bin/bash "$TEST_USER"
fi
echo "$TEST_USER:$TEST_PASSWORD" | "${SUDO[@]}" chpasswd

# sshd refuses to start without its privilege-separation directory (it lives
# on /run, so it disappears on reboot; netconfd-up.sh recreates it as well).
"${SUDO[@]}" mkdir -p /run/sshd
"${SUDO[@]}" chmod 0755 /run/sshd

# pytest for the Python package's suite (the machine's python3 may lack it)
if ! python3 -m pytest --version >/dev/null 2>&1; then
    python3 -m pip install --quiet 'pytest>=7.2'
fi

# The RESTCONF test peer (Jetconf in its own virtualenv) and its certificates tooling.
bash "$(dirname "$0")/install-restconf-deps.sh"

echo "install-deps.sh: done" >&2
