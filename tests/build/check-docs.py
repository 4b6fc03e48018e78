#!/usr/bin/env python3
"""Every public declaration is documented (curl's test1177 idea, Doxygen flavour).

Rules, per public header:
  - the header has a Doxygen `@file`;
  - every DEVCONF_API declaration is immediately preceded (only whitespace between) by a Doxygen
    block, `/** ... */`;
  - the block says what the function does: `@brief`, or a leading sentence;
  - the block has `@since`;
  - every `@param` names a real parameter of the function (catches stale docs after a rename);
  - a block that documents some parameters documents all of them;
  - a function taking two or more parameters documents each with `@param` (with a single
    parameter, the object the function acts on, a sentence is enough: getters, _free, ...).

usage: check-docs.py HEADER...
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devconf_headers as dh  # noqa: E402

PARAM_RE = re.compile(r"[@\\]param(?:\[\s*(?:in|out|in\s*,\s*out)\s*\])?\s+(" + dh.IDENT + r")")


def check_header(path, problems):
    text = dh.read(path)
    name = os.path.basename(path)
    if not any(re.search(r"[@\\]file\b", b) for b in re.findall(r"/\*\*.*?\*/", text, re.S)):
        problems.append("%s: no Doxygen @file block" % name)
    count = 0
    for f in dh.api_functions(text):
        count += 1
        where = "%s:%d %s()" % (name, f.line, f.name)
        block = dh.doc_comment_before(text, f.offset)
        if block is None:
            problems.append("%s: not immediately preceded by a /** ... */ Doxygen block" % where)
            continue
        doc = dh.doc_text(block)
        first = doc.split("\n", 1)[0].strip()
        if not (re.search(r"[@\\]brief\s+\S", doc) or (first and not first.startswith(("@", "\\")))):
            problems.append("%s: the block has neither @brief nor a leading sentence" % where)
        if not re.search(r"[@\\]since\s+\d", doc):
            problems.append("%s: no '@since VERSION'" % where)
        documented = PARAM_RE.findall(doc)
        if len(re.findall(r"[@\\]param\b", doc)) != len(documented):
            problems.append("%s: a @param line is malformed (want '@param[in|out|in,out] name ...')" % where)
        actual = [p.name for p in f.params]
        unnamed = [p.text for p in f.params if not p.name]
        if unnamed:
            problems.append("%s: parameter(s) without a name in the declaration: %s" % (where, ", ".join(unnamed)))
        stale = [d for d in documented if d not in actual]
        if stale:
            problems.append("%s: @param for parameter(s) it does not have: %s (has: %s)"
                            % (where, ", ".join(stale), ", ".join(actual) or "none"))
        dup = sorted(set(d for d in documented if documented.count(d) > 1))
        if dup:
            problems.append("%s: parameter(s) documented twice: %s" % (where, ", ".join(dup)))
        missing = [p for p in actual if p and p not in documented]
        if missing and (documented or len(actual) >= 2):
            problems.append("%s: parameter(s) without @param: %s" % (where, ", ".join(missing)))
    return count


def main():
    problems = []
    total = 0
    for h in sys.argv[1:]:
        total += check_header(h, problems)
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    print("%d DEVCONF_API declarations in %d headers checked; %d problem(s)" % (total, len(sys.argv) - 1,
                                                                               len(problems)))
    return 1 if problems or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
