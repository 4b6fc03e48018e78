"""``python -m devconf``: the devconf command-line tool (``devconf --help``).

The wheel bundles the C tool (``devconf/bin/devconf``, beside the library it links); pip also
installs a ``devconf`` command that runs this module. Without a bundled tool (the binding
installed alone over a system libdevconf), the ``devconf`` found on ``PATH`` (an ELF executable,
never this wrapper) or ``$DEVCONF_CLI`` is run. ``--version`` also names the Python package and
the library it loaded.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import List, Optional


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def find_cli() -> Optional[str]:
    """Path of the C tool: $DEVCONF_CLI, the bundled one, or an ELF ``devconf`` on PATH."""
    env = os.environ.get("DEVCONF_CLI")
    if env:
        return env
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "devconf")
    if os.access(here, os.X_OK):
        return here
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = shutil.which("devconf", path=d) if d else None
        if p and _is_elf(p):
            return p
    return None


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        try:
            import devconf
        except ImportError as e:
            print("devconf: %s" % e, file=sys.stderr)
            return 1
        print("devconf %s (Python package; libdevconf %s, %s)"
              % (devconf.__version__, devconf.library_version, devconf.library_path))
    cli = find_cli()
    if cli is None:
        print("devconf: the devconf command-line tool is not installed: it comes with the wheel "
              "(pip install libdevconf) or with the C build (meson install); set DEVCONF_CLI to its path",
              file=sys.stderr)
        return 0 if args == ["--version"] else 1
    sys.stdout.flush()
    os.execv(cli, [cli] + args)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
