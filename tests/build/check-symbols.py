#!/usr/bin/env python3
"""The exported ABI is exactly what the version script and the headers say.

Compares three sets of names, which must be equal:
  (a) the global names of lib/devconf.sym,
  (b) the dynamic symbols libdevconf.so defines (nm -D --defined-only), minus the version nodes,
  (c) the functions declared with DEVCONF_API in the public headers (and version.h.in).
Also: every exported symbol starts with devconf_ and none with devconf__ (internal), every
export carries a DEVCONF_ version node, and the map is well formed (one node per release, each
inheriting the previous one, names sorted and unique).

usage: check-symbols.py --map lib/devconf.sym --lib libdevconf.so [--nm nm] HEADER...
"""

import argparse
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devconf_headers as dh  # noqa: E402


def parse_map(path, problems):
    """Returns ({name: node}, [node names in order])."""
    text = re.sub(r"#[^\n]*", "", dh.read(path))
    text = dh.blank_comments(text)
    names, nodes = {}, []
    for m in re.finditer(r"(\w[\w.]*)\s*\{(.*?)\}\s*([\w.]*)\s*;", text, re.S):
        node, body, parent = m.group(1), m.group(2), m.group(3)
        if not re.match(r"DEVCONF_\d+\.\d+$", node):
            problems.append("version node '%s' is not named DEVCONF_MAJOR.MINOR" % node)
        if nodes and parent != nodes[-1]:
            problems.append("version node %s inherits '%s', expected the previous node %s"
                            % (node, parent or "(nothing)", nodes[-1]))
        nodes.append(node)
        section = None
        node_names = []
        for tok in re.split(r"[;\s]+", body):
            if not tok:
                continue
            if tok in ("global:", "local:"):
                section = tok
                continue
            if tok.endswith(":"):
                problems.append("unknown section '%s' in node %s" % (tok, node))
                continue
            if section == "global:":
                node_names.append(tok)
                if tok in names:
                    problems.append("%s is listed twice in the map (%s and %s)" % (tok, names[tok], node))
                names[tok] = node
            elif section == "local:" and tok != "*":
                problems.append("node %s has a local name other than '*': %s" % (node, tok))
        if node_names != sorted(node_names):
            problems.append("names in node %s are not sorted; first out of place: %s"
                            % (node, next(a for a, b in zip(node_names, sorted(node_names)) if a != b)))
    if not nodes:
        problems.append("no version node found in %s" % path)
    return names, nodes


def exported(lib, nm, nodes, problems):
    p = subprocess.run([nm, "-D", "--defined-only", lib], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        problems.append("nm failed on %s: %s" % (lib, p.stderr.strip()))
        return set()
    syms = set()
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        typ, sym = parts[-2], parts[-1]
        name, _, version = sym.partition("@")
        version = version.lstrip("@")
        if typ == "A" and (name in nodes or re.match(r"DEVCONF_\d+\.\d+$", name)):
            continue  # the version node itself
        if version and not re.match(r"DEVCONF_\d+\.\d+$", version):
            problems.append("exported symbol %s has version '%s', not a DEVCONF_ node" % (name, version))
        elif not version:
            problems.append("exported symbol %s has no symbol version (is the version script applied?)" % name)
        syms.add(name)
    return syms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--map", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--nm", default="nm")
    ap.add_argument("headers", nargs="+")
    a = ap.parse_args()

    problems = []
    map_names, nodes = parse_map(a.map, problems)
    so_names = exported(a.lib, a.nm, nodes, problems)
    hdr_names = {}
    for h in a.headers:
        for f in dh.api_functions(dh.read(h)):
            if f.name in hdr_names:
                problems.append("%s is declared with DEVCONF_API twice (%s and %s:%d)"
                                % (f.name, hdr_names[f.name], os.path.basename(h), f.line))
            hdr_names[f.name] = "%s:%d" % (os.path.basename(h), f.line)

    sets = {
        "lib/devconf.sym": set(map_names),
        "libdevconf.so (nm -D)": so_names,
        "DEVCONF_API in headers": set(hdr_names),
    }
    labels = list(sets)
    for i, x in enumerate(labels):
        for y in labels[i + 1:]:
            only_x = sorted(sets[x] - sets[y])
            only_y = sorted(sets[y] - sets[x])
            if only_x:
                problems.append("in %s but not in %s:\n    %s" % (x, y, "\n    ".join(only_x)))
            if only_y:
                problems.append("in %s but not in %s:\n    %s" % (y, x, "\n    ".join(only_y)))

    for name in sorted(set().union(*sets.values())):
        where = ", ".join(label for label in labels if name in sets[label])
        if name.startswith("devconf__"):
            problems.append("internal symbol %s is public (%s): devconf__ names must stay hidden" % (name, where))
        elif not name.startswith("devconf_"):
            problems.append("symbol %s lacks the devconf_ prefix (%s)" % (name, where))

    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    print("map: %d names in %s; library: %d exports; headers: %d DEVCONF_API functions; %d problem(s)"
          % (len(map_names), ", ".join(nodes), len(so_names), len(hdr_names), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
