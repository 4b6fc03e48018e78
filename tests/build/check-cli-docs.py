#!/usr/bin/env python3
"""The CLI's manual page and bash completion name every command and option `devconf --help` and
`devconf COMMAND --help` list (so neither falls behind the tool).

Usage: check-cli-docs.py DEVCONF MANPAGE COMPLETION
"""

import re
import subprocess
import sys


def helptext(cli, *args):
    p = subprocess.run([cli, *args, "--help"], capture_output=True, text=True)
    return p.stdout + p.stderr


def main():
    cli, man_path, comp_path = sys.argv[1:4]
    man = open(man_path, encoding="utf-8").read().replace("\\-", "-")
    man = re.sub(r"\\f[BIRP]", "", man)
    comp = open(comp_path, encoding="utf-8").read()
    top = helptext(cli)
    block = top.split("Commands:", 1)[1].split("\n\n", 1)[0]
    commands = re.findall(r"^  ([a-z][a-z-]+)\s", block, re.M)
    globals_ = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+|-[a-z])\b", top.split("Commands:", 1)[1]))
    problems = []
    if len(commands) < 10:
        problems.append("found only %d commands in devconf --help" % len(commands))
    for c in commands:
        if not re.search(r"^\.B %s$" % re.escape(c), man, re.M):
            problems.append("man page: no entry for command %s" % c)
        if c not in comp.split('_devconf_commands="', 1)[1].split('"', 1)[0].split():
            problems.append("completion: command %s missing" % c)
        h = helptext(cli, c)
        usage = h.split("\n", 1)[0].split(" %s" % c, 1)[-1]
        opts = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", usage)) | set(re.findall(r"^\s+(--[a-z][a-z-]+)", h, re.M))
        for opt in opts - {"--help"}:
            case = re.search(r"^\s+%s(?: \| [a-z|-]+)*\) echo \"([^\"]*)\"" % re.escape(c), comp, re.M)
            if not case:
                case = re.search(r"^\s+[a-z| -]*\b%s\b[a-z| -]*\) echo \"([^\"]*)\"" % re.escape(c), comp, re.M)
            if not case or opt not in case.group(1).split():
                problems.append("completion: %s %s missing" % (c, opt))
            if opt not in man:
                problems.append("man page: %s %s missing" % (c, opt))
    for opt in sorted(globals_):
        if opt not in man:
            problems.append("man page: option %s missing" % opt)
        if opt not in comp:
            problems.append("completion: option %s missing" % opt)
    if "RESTCONF" not in man or "RESTCONF" not in top:
        problems.append("the help and the man page must both describe RESTCONF")
    for p in problems:
        print("check-cli-docs: " + p)
    print("check-cli-docs: %d commands, %d global options checked" % (len(commands), len(globals_)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
