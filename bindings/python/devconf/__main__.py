"""``python -m devconf --version``: versions of the package and of the loaded C library."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devconf", description="devconf Python package")
    parser.add_argument("--version", action="store_true", help="print the package and library versions")
    args = parser.parse_args(argv)
    try:
        import devconf
    except ImportError as e:
        print("devconf: %s" % e, file=sys.stderr)
        return 1
    if args.version:
        print("devconf %s (libdevconf %s, %s)" % (devconf.__version__, devconf.library_version, devconf.library_path))
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
