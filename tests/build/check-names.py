#!/usr/bin/env python3
"""Public headers only put devconf-prefixed names into the user's namespace (curl's test1167).

  - every macro a public header defines starts with DEVCONF_ (its include guard included);
  - every header has an include guard, and guards are distinct;
  - every typedef and every struct/enum/union tag defined starts with devconf_;
  - every enumerator starts with DEVCONF_;
  - every DEVCONF_API function starts with devconf_ and not devconf__ (internal);
  - the scanner understood every top-level statement (anything else is reported).

usage: check-names.py HEADER...
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devconf_headers as dh  # noqa: E402


def main():
    problems = []
    counts = {"macros": 0, "typedefs": 0, "tags": 0, "enumerators": 0, "functions": 0}
    guards = {}
    for path in sys.argv[1:]:
        text = dh.read(path)
        name = os.path.basename(path)

        guard = dh.include_guard(text)
        if guard is None:
            problems.append("%s: no include guard (#ifndef X / #define X first, #endif last)" % name)
        elif guard in guards:
            problems.append("%s: include guard %s is also used by %s" % (name, guard, guards[guard]))
        else:
            guards[guard] = name

        for line, macro in dh.macros(text):
            counts["macros"] += 1
            if not macro.startswith("DEVCONF_"):
                problems.append("%s:%d: macro %s lacks the DEVCONF_ prefix" % (name, line, macro))

        t = dh.type_names(text)
        for line, td in t.typedefs:
            counts["typedefs"] += 1
            if not td.startswith("devconf_") or td.startswith("devconf__"):
                problems.append("%s:%d: typedef %s lacks the devconf_ prefix" % (name, line, td))
        for line, kind, tag in t.tags:
            counts["tags"] += 1
            if not tag.startswith("devconf_") or tag.startswith("devconf__"):
                problems.append("%s:%d: %s %s lacks the devconf_ prefix" % (name, line, kind, tag))
        for line, enum, value in t.enumerators:
            counts["enumerators"] += 1
            if not value.startswith("DEVCONF_"):
                problems.append("%s:%d: enumerator %s (of %s) lacks the DEVCONF_ prefix" % (name, line, value, enum))
        for line, stmt in t.unknown:
            problems.append("%s:%d: statement the name scanner does not understand: %s" % (name, line, stmt))

        for f in dh.api_functions(text):
            counts["functions"] += 1
            if f.name.startswith("devconf__"):
                problems.append("%s:%d: internal name %s declared in a public header" % (name, f.line, f.name))
            elif not f.name.startswith("devconf_"):
                problems.append("%s:%d: function %s lacks the devconf_ prefix" % (name, f.line, f.name))

    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    print("%d headers: %s; %d problem(s)" % (len(sys.argv) - 1, ", ".join("%d %s" % (v, k) for k, v in counts.items()),
                                             len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
