"""Small XML text helpers that keep the text as written (no re-serialisation).

Re-serialising with ElementTree would rename prefixes and drop namespace declarations that only
qualified *values* use (identityrefs such as ``ianaift:ethernetCsmacd``), so these helpers cut
and splice the original text at the byte offsets expat reports.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple
from xml.parsers import expat

NETCONF_BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"

__all__ = ["NETCONF_BASE_NS", "Wrapper", "split_wrapper", "unwrap_config", "escape", "xpath_to_module_prefixes"]


class Wrapper:
    """A parsed wrapper element (``<config>``, ``<filter>``): its attributes and inner content."""

    def __init__(self, local_name: str, attrs: Dict[str, str], inner: str, nsdecls: Dict[str, str]) -> None:
        self.local_name = local_name
        self.attrs = attrs  # non-namespace attributes, by their raw (maybe prefixed) name
        self.inner = inner  # content, with the wrapper's namespace declarations pushed down
        self.nsdecls = nsdecls  # prefix ("" for the default namespace) -> namespace

    def attr(self, local: str) -> Optional[str]:
        """An attribute by local name, whatever its prefix."""
        for k, v in self.attrs.items():
            if k.rpartition(":")[2] == local:
                return v
        return None


def _tag_end(data: bytes, start: int) -> int:
    """Index of the '>' closing the tag that starts at data[start] == '<'."""
    quote = 0
    i = start + 1
    n = len(data)
    while i < n:
        c = data[i]
        if quote:
            if c == quote:
                quote = 0
        elif c in (0x22, 0x27):  # " '
            quote = c
        elif c == 0x3E:  # >
            return i
        i += 1
    raise ValueError("unterminated tag")


def split_wrapper(text: str, local_names: Tuple[str, ...]) -> Optional[Wrapper]:
    """If ``text`` is one element whose local name is in ``local_names``, take it apart.

    Returns ``None`` when the text is not such an element (or not well-formed XML). The inner
    content keeps its own text; every top-level child element gets the wrapper's namespace
    declarations it does not declare itself (the NETCONF base default namespace excepted), so
    the content stands on its own.
    """
    data = text.encode("utf-8")
    parser = expat.ParserCreate()
    state = {"depth": 0}
    root: List = []  # [name, attrs, start_index]
    root_close: List[int] = []
    children: List[Tuple[int, str, Dict[str, str]]] = []

    def start(name: str, attrs: Dict[str, str]) -> None:
        d = state["depth"]
        if d == 0:
            root.extend([name, attrs, parser.CurrentByteIndex])
        elif d == 1:
            children.append((parser.CurrentByteIndex, name, attrs))
        state["depth"] = d + 1

    def end(name: str) -> None:
        state["depth"] -= 1
        if state["depth"] == 0:
            root_close.append(parser.CurrentByteIndex)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return None
    if not root:
        return None
    name, attrs, rstart = root
    if name.rpartition(":")[2] not in local_names:
        return None
    nsdecls: Dict[str, str] = {}
    plain: Dict[str, str] = {}
    for k, v in attrs.items():
        if k == "xmlns":
            nsdecls[""] = v
        elif k.startswith("xmlns:"):
            nsdecls[k[6:]] = v
        else:
            plain[k] = v
    open_end = _tag_end(data, rstart)
    if data[open_end - 1] == 0x2F:  # '/>': empty element
        return Wrapper(name.rpartition(":")[2], plain, "", nsdecls)
    inner_start, inner_end = open_end + 1, root_close[0]
    inserts: List[Tuple[int, bytes]] = []
    for idx, cname, cattrs in children:
        add = []
        for prefix, ns in nsdecls.items():
            key = "xmlns:" + prefix if prefix else "xmlns"
            if key in cattrs:
                continue
            if not prefix and ns == NETCONF_BASE_NS:
                continue
            add.append(' %s="%s"' % (key, escape(ns, attr=True)))
        if add:
            inserts.append((idx + 1 + len(cname.encode("utf-8")), "".join(add).encode("utf-8")))
    out = bytearray(data[inner_start:inner_end])
    for pos, blob in sorted(inserts, reverse=True):
        rel = pos - inner_start
        out[rel:rel] = blob
    return Wrapper(name.rpartition(":")[2], plain, out.decode("utf-8").strip(), nsdecls)


def unwrap_config(text: str) -> str:
    """The content of a ``<config>`` wrapper (any prefix), self-contained; other text unchanged."""
    stripped = text.lstrip()
    if not stripped.startswith("<"):
        return text
    w = split_wrapper(stripped, ("config",))
    return text if w is None else w.inner


def escape(value: str, attr: bool = False) -> str:
    """Escape text for XML content (or a double-quoted attribute)."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attr:
        value = value.replace('"', "&quot;")
    return value


_PREFIX_RE = re.compile(r"(?<![\w.\-:])([A-Za-z_][\w.\-]*):(?=[A-Za-z_*])")


def xpath_to_module_prefixes(expr: str, nsmap: Dict[str, str], ns_to_module: Dict[str, str]) -> str:
    """Rewrite XML prefixes in an XPath expression into YANG module names.

    ``nsmap`` maps the expression's prefixes to namespaces (ncclient's ``(namespaces, select)``
    or a ``<filter>`` element's ``xmlns:`` declarations); ``ns_to_module`` maps namespaces to
    module names (from the device's capabilities). Unknown prefixes, and anything inside string
    literals, stay as they are.
    """
    prefix_to_module = {p: ns_to_module[ns] for p, ns in nsmap.items() if p and ns in ns_to_module}
    if not prefix_to_module:
        return expr
    parts = re.split(r"""('[^']*'|"[^"]*")""", expr)
    for i in range(0, len(parts), 2):  # even indexes are outside string literals
        parts[i] = _PREFIX_RE.sub(lambda m: prefix_to_module.get(m.group(1), m.group(1)) + ":", parts[i])
    return "".join(parts)
