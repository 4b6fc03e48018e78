#!/usr/bin/env python3
"""Public headers compile on their own, as C99 and as C++11, with -pedantic -Werror.

The headers are first staged as they are installed (every public header and the generated
version.h side by side in <tmp>/devconf/), so the check sees exactly what users get. Then, for
each header:
  - a one-line TU `#include <devconf/X.h>` compiles as C99 and as C++11 (self-contained, no
    warnings with -Wall -Wextra -pedantic);
  - in C++, every function it declares keeps C linkage (DEVCONF_BEGIN_DECLS): the object file
    references the unmangled names;
and every *_INIT macro initialises its struct without -Wextra warnings in C99 and C++11.

usage: check-headers.py --cc 'CC' --cxx 'CXX' --nm NM --version-h BUILD/version.h
                        [--cflag=-I/usr/include ...] HEADER...
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devconf_headers as dh  # noqa: E402

C_FLAGS = ["-std=c99", "-pedantic", "-Werror", "-Wall", "-Wextra", "-Wstrict-prototypes",
           "-Wmissing-prototypes", "-Wshadow"]
CXX_FLAGS = ["-std=c++11", "-pedantic", "-Werror", "-Wall", "-Wextra", "-Wshadow"]


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--version-h", required=True)
    ap.add_argument("--cflag", action="append", default=[])
    ap.add_argument("headers", nargs="+")
    a = ap.parse_args()
    cc, cxx = shlex.split(a.cc), shlex.split(a.cxx)

    failures = []
    checks = 0
    with tempfile.TemporaryDirectory(prefix="devconf-headers-") as tmp:
        inc = os.path.join(tmp, "include")
        stage = os.path.join(inc, "devconf")
        os.makedirs(stage)
        headers = list(a.headers) + [a.version_h]
        for h in headers:
            shutil.copy(h, stage)
        names = sorted(os.path.basename(h) for h in headers)
        base_flags = ["-I" + inc] + a.cflag

        for name in names:
            text = dh.read(os.path.join(stage, name))
            for lang, compiler, flags, ext in (("C99", cc, C_FLAGS, "c"), ("C++11", cxx, CXX_FLAGS, "cpp")):
                src = os.path.join(tmp, "tu_%s.%s" % (name.replace(".", "_"), ext))
                with open(src, "w") as f:
                    f.write("#include <devconf/%s>\n" % name)
                cmd = compiler + flags + base_flags + ["-fsyntax-only", src]
                checks += 1
                rc, out = run(cmd)
                if rc != 0:
                    failures.append("%s does not compile alone as %s:\n  $ %s\n%s" % (name, lang, " ".join(cmd), out))

            # C linkage of every declared function, seen from C++.
            funcs = [f.name for f in dh.api_functions(text)]
            if funcs:
                src = os.path.join(tmp, "link_%s.cpp" % name.replace(".", "_"))
                obj = src + ".o"
                with open(src, "w") as f:
                    f.write("#include <devconf/%s>\n" % name)
                    f.write("typedef void (*any_fn)(void);\n")
                    f.write("any_fn devconf_check_refs[] = {\n")
                    for fn in funcs:
                        f.write("    reinterpret_cast<any_fn>(&%s),\n" % fn)
                    f.write("};\n")
                cmd = cxx + ["-std=c++11"] + base_flags + ["-c", src, "-o", obj]
                checks += 1
                rc, out = run(cmd)
                if rc != 0:
                    failures.append("%s: C++ reference TU failed to compile:\n  $ %s\n%s" % (name, " ".join(cmd), out))
                else:
                    rc, out = run([a.nm, "-u", obj])
                    undef = set(line.split()[-1] for line in out.splitlines() if line.strip())
                    missing = [fn for fn in funcs if fn not in undef]
                    if rc != 0 or missing:
                        mangled = sorted(u for u in undef if u.startswith("_Z"))
                        failures.append("%s: functions without C linkage in C++ (missing DEVCONF_BEGIN_DECLS?): %s"
                                        "\n  mangled references: %s" % (name, ", ".join(missing), ", ".join(mangled)))

        # Every *_INIT macro initialises its struct completely (-Wmissing-field-initializers).
        inits = []
        for name in names:
            for _, macro in dh.macros(dh.read(os.path.join(stage, name))):
                m = re.match(r"DEVCONF_(\w+)_OPTIONS_INIT$", macro)
                if m:
                    inits.append(("devconf_%s_options" % m.group(1).lower(), macro))
        if not inits:
            failures.append("no DEVCONF_*_OPTIONS_INIT macro found: the scanner is out of date")
        for lang, compiler, flags, ext in (("C99", cc, C_FLAGS, "c"), ("C++11", cxx, CXX_FLAGS, "cpp")):
            src = os.path.join(tmp, "init.%s" % ext)
            with open(src, "w") as f:
                f.write("#include <devconf/devconf.h>\n")
                f.write("unsigned int devconf_check_inits(void);\n")
                f.write("unsigned int devconf_check_inits(void)\n{\n    unsigned int v = 0;\n")
                for i, (typ, macro) in enumerate(inits):
                    f.write("    %s o%d = %s;\n    v += o%d.version;\n" % (typ, i, macro, i))
                f.write("    return v;\n}\n")
            cmd = compiler + flags + base_flags + ["-fsyntax-only", src]
            checks += 1
            rc, out = run(cmd)
            if rc != 0:
                failures.append("the _INIT macros (%s) do not compile cleanly as %s:\n  $ %s\n%s"
                                % (", ".join(m for _, m in inits), lang, " ".join(cmd), out))

    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    print("%d header checks over %d headers, %d failed" % (checks, len(names), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
