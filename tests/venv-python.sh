#!/usr/bin/env bash
# Runs the test virtualenv's Python (scripts/install-test-deps.sh builds it; pytest and
# asyncssh live there, never in the system Python). A missing virtualenv is a setup failure
# that says how to fix it, never a skipped test.
#
# Usage: tests/venv-python.sh ARGS...     (e.g. -m pytest DIR -q)
# Environment: DEVCONF_TEST_VENV (default /opt/devconf-test-venv)
set -euo pipefail
VENV=${DEVCONF_TEST_VENV:-/opt/devconf-test-venv}
if [ ! -x "$VENV/bin/python" ]; then
    echo "venv-python.sh: no test virtualenv at $VENV: run scripts/install-test-deps.sh" >&2
    exit 1
fi
exec "$VENV/bin/python" "$@"
