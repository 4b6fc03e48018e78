"""A small C declaration scanner for devconf's public headers, shared by the tests/build checks.

It understands exactly what the headers use: comments, preprocessor lines, DEVCONF_API function
declarations, typedefs (plain, struct/enum with a body, function pointers) and enum bodies. It is
not a C parser; anything it cannot classify is reported, so a header construct it does not know
makes the checks fail loudly instead of silently passing.
"""

import re
from dataclasses import dataclass, field

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def blank_comments(text):
    """Replaces comments with spaces (keeping newlines and offsets), leaving strings alone."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def blank_preprocessor(text):
    """Replaces preprocessor lines (with continuations) by blank lines, keeping offsets."""
    lines = text.split("\n")
    out, cont = [], False
    for line in lines:
        if cont or line.lstrip().startswith("#"):
            cont = line.rstrip().endswith("\\")
            out.append(" " * len(line))
        else:
            out.append(line)
    return "\n".join(out)


def preprocessor_lines(text):
    """Yields (line number, logical directive text) with comments already blanked."""
    lines = blank_comments(text).split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        start = i
        if line.lstrip().startswith("#"):
            full = line
            while full.rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                full = full.rstrip()[:-1] + " " + lines[i]
            yield start + 1, full.strip()
        i += 1


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


@dataclass
class Param:
    text: str
    name: str  # "" for an unnamed parameter


@dataclass
class FuncDecl:
    name: str
    ret: str
    params: list
    offset: int  # offset of "DEVCONF_API" in the original text
    line: int
    decl: str = field(repr=False, default="")


def split_top_level(s, sep=","):
    parts, depth, cur = [], 0, []
    for c in s:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return parts


def matching_paren(s, open_idx):
    depth = 0
    for i in range(open_idx, len(s)):
        if s[i] == "(":
            depth += 1
        elif s[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced parentheses in: " + s)


def param_name(ptext):
    p = " ".join(ptext.split())
    if p in ("", "void", "..."):
        return ""
    m = re.search(r"\(\s*\*\s*(" + IDENT + r")\s*\)\s*\(", p)  # function pointer
    if m:
        return m.group(1)
    p = re.sub(r"\[[^\]]*\]\s*$", "", p).strip()  # array suffix
    m = re.search(r"(" + IDENT + r")\s*$", p)
    if not m:
        return ""
    name = m.group(1)
    words = re.findall(IDENT, p)
    # "const char *" or "int" alone: the last word is a type, not a name
    if len(words) == 1 or name in ("void", "int", "char", "unsigned", "long", "short", "size_t", "double",
                                    "float") or p.endswith("*"):
        return ""
    return name


def api_functions(text):
    """All DEVCONF_API function declarations of a header text."""
    code = blank_preprocessor(blank_comments(text))
    decls = []
    for m in re.finditer(r"\bDEVCONF_API\b", code):
        end = code.find(";", m.end())
        if end < 0:
            raise ValueError("DEVCONF_API without ';' at line %d" % line_of(text, m.start()))
        decl = " ".join(code[m.end():end].split())
        # strip trailing attribute macros: DEVCONF_DEPRECATED("...") DEVCONF_PRINTF(1, 2)
        decl_core = decl
        po = decl_core.find("(")
        if po < 0:
            raise ValueError("DEVCONF_API on something that is not a function at line %d: %s"
                             % (line_of(text, m.start()), decl))
        head = decl_core[:po]
        nm = re.search(r"(" + IDENT + r")\s*$", head)
        if not nm:
            raise ValueError("cannot find the function name at line %d: %s" % (line_of(text, m.start()), decl))
        close = matching_paren(decl_core, po)
        ptext = decl_core[po + 1:close]
        params = []
        if ptext.strip() not in ("", "void"):
            for p in split_top_level(ptext):
                params.append(Param(p.strip(), param_name(p)))
        decls.append(FuncDecl(nm.group(1), head[:nm.start()].strip(), params, m.start(),
                              line_of(text, m.start()), decl))
    return decls


def macros(text):
    """(line, name) of every #define."""
    out = []
    for line, d in preprocessor_lines(text):
        m = re.match(r"#\s*define\s+(" + IDENT + r")", d)
        if m:
            out.append((line, m.group(1)))
    return out


def include_guard(text):
    """The macro of the #ifndef X / #define X pair that guards the header, or None."""
    directives = [d for _, d in preprocessor_lines(text)]
    if len(directives) < 2:
        return None
    m1 = re.match(r"#\s*ifndef\s+(" + IDENT + r")$", directives[0])
    m2 = re.match(r"#\s*define\s+(" + IDENT + r")$", directives[1])
    if m1 and m2 and m1.group(1) == m2.group(1) and re.match(r"#\s*endif", directives[-1]):
        return m1.group(1)
    return None


@dataclass
class TypeNames:
    typedefs: list   # (line, name)
    tags: list       # (line, "struct"/"enum"/"union", name) of tags defined here (with a body)
    enumerators: list  # (line, enum tag or typedef, name)
    unknown: list    # (line, statement) the scanner could not classify


def type_names(text):
    code = blank_preprocessor(blank_comments(text))
    # Drop the C++ linkage wrapper macros and DEVCONF_API so statements are plain C.
    code = re.sub(r"\bDEVCONF_(BEGIN|END)_DECLS\b", lambda m: " " * len(m.group(0)), code)
    res = TypeNames([], [], [], [])
    i, n = 0, len(code)
    while i < n:
        # one top-level statement: up to ';' at brace depth 0
        depth, j = 0, i
        while j < n:
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
            elif code[j] == ";" and depth == 0:
                break
            j += 1
        stmt = code[i:j]
        line = line_of(text, i + (len(stmt) - len(stmt.lstrip())))
        s = " ".join(stmt.split())
        i = j + 1
        if not s:
            continue
        body = None
        bm = re.search(r"\b(struct|enum|union)\s*(" + IDENT + r")?\s*\{", s)
        if bm:
            close = s.rfind("}")
            body = s[bm.end():close]
            kind, tag = bm.group(1), bm.group(2)
            if tag:
                res.tags.append((line, kind, tag))
            if kind == "enum":
                for e in split_top_level(body):
                    e = e.strip()
                    if e:
                        en = re.match(r"(" + IDENT + r")", e)
                        res.enumerators.append((line, tag or "?", en.group(1) if en else e))
            s_outer = " ".join((s[:bm.start()] + kind + " BODY " + s[close + 1:]).split())
        else:
            s_outer = s
        if s_outer.startswith("typedef "):
            fp = re.search(r"\(\s*\*\s*(" + IDENT + r")\s*\)\s*\(", s_outer)
            if fp:
                res.typedefs.append((line, fp.group(1)))
            else:
                tm = re.search(r"(" + IDENT + r")\s*$", s_outer)
                if tm:
                    res.typedefs.append((line, tm.group(1)))
                else:
                    res.unknown.append((line, s))
        elif s_outer.startswith("DEVCONF_API "):
            pass  # functions: see api_functions()
        elif re.match(r"(struct|enum|union) " + IDENT + r"$", s_outer):
            pass  # forward declaration of a tag
        elif bm and re.match(r"(struct|enum|union) BODY$", s_outer):
            pass  # tag definition without typedef
        else:
            res.unknown.append((line, s))
    return res


def doc_comment_before(text, offset):
    """The /** ... */ block that ends right before offset (only whitespace between), or None."""
    before = text[:offset].rstrip()
    if not before.endswith("*/"):
        return None
    start = before.rfind("/*")
    if start < 0:
        return None
    block = before[start:]
    if not (block.startswith("/**") or block.startswith("/*!")) or block.startswith("/**/"):
        return None
    return block


def doc_text(block):
    """Comment body without the delimiters and leading '*' decoration."""
    body = block[3:-2]
    lines = [re.sub(r"^\s*\*?\s?", "", ln) for ln in body.split("\n")]
    return "\n".join(lines).strip()
