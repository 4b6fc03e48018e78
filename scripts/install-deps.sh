#!/usr/bin/env bash
# Install everything devconf needs to build and to run its test suite on a
# Debian 12 machine, and prepare the local account the test servers log in as.
#
# What it changes on the machine (see also README.md):
#   - Debian packages (PACKAGES below, plus those of the two scripts it calls;
#     stunnel4 is the NETCONF-over-TLS front of the tests, tests/fixtures/netconf/tls-up.sh;
#     socat plays the calling device in the call-home tests, RFC 8071);
#   - a local user "devconf-test" WITHOUT a usable password: key logins only,
#     and only the tests' private loopback sshd (tests/fixtures/netconf/
#     netconfd-up.sh, with its own authorized_keys) lets it in. No password
#     for it is in this repository or anywhere on the machine; the tests that
#     need password or keyboard-interactive logins use the scripted server
#     (tests/fixtures/netconf/scripted) with a random password per run;
#   - /run/sshd (sshd's privilege-separation directory);
#   - virtualenvs under /opt: /opt/devconf-test-venv (pytest, asyncssh:
#     scripts/install-test-deps.sh) and /opt/devconf-jetconf-venv (the RESTCONF
#     test peer: scripts/install-restconf-deps.sh). Nothing is pip-installed
#     into the system Python;
#   - the simulated fleet of the fleet tests (scripts/install-fleet-deps.sh):
#     a Java runtime (the newest on the machine, else Debian's
#     openjdk-17-jre-headless) and OpenDaylight's netconf-testtool jar under
#     /opt/devconf-fleet, fetched with Maven (Debian's maven when missing).
#
# Idempotent: packages already installed are not fetched again, the test user
# is created only when missing, and its password field is set to '*' every
# time (which also removes a password an older version of this script set).
#
# Usage: scripts/install-deps.sh
set -euo pipefail

PACKAGES=(
    build-essential pkg-config meson ninja-build check
    libyang2-dev libnetconf2-dev libcurl4-openssl-dev libssh-dev libyaml-dev libssl-dev
    netconfd libyuma-base openssh-server openssh-client
    stunnel4 openssl socat
    valgrind python3 python3-pip python3-venv procps
)

TEST_USER=devconf-test

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
# No usable password: '*' matches no password, so password and keyboard-
# interactive logins fail everywhere (the system sshd included), while key
# logins still work. Not 'passwd -l' / 'usermod -L': those put a '!' in front,
# and OpenSSH with UsePAM no (as the tests' sshd may run) then refuses even
# key logins for the account.
"${SUDO[@]}" usermod -p '*' "$TEST_USER"

# sshd refuses to start without its privilege-separation directory (it lives
# on /run, so it disappears on reboot; netconfd-up.sh recreates it as well).
"${SUDO[@]}" mkdir -p /run/sshd
"${SUDO[@]}" chmod 0755 /run/sshd

# pytest and the scripted NETCONF server's asyncssh, in their own virtualenv.
bash "$(dirname "$0")/install-test-deps.sh"

# The RESTCONF test peer (Jetconf in its own virtualenv) and its certificates tooling.
bash "$(dirname "$0")/install-restconf-deps.sh"

# The simulated fleet (OpenDaylight's device simulator) for the fleet tests.
bash "$(dirname "$0")/install-fleet-deps.sh"

echo "install-deps.sh: done" >&2
