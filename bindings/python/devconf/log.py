"""Forwarding of libdevconf's log messages to :mod:`logging`.

Every message goes to a child of the logger ``"devconf"`` named after the component it comes
from, so an application can turn each up or down on its own::

    devconf.session   connected (one line a session: protocol, session id, capabilities, time),
                      committed, confirmed, rolled back (this package's own records)
    devconf.fleet     fleet runs: started, finished with counts
    devconf.ssh       SSH: connecting, host key checks, new hosts recorded
    devconf.netconf   NETCONF: messages sent and received (DEBUG holds message bodies), schema discovery
    devconf.restconf  RESTCONF: root discovery, schema downloads
    devconf.http      HTTP (libcurl)
    devconf.tls       TLS
    devconf.yang      devconf's YANG layer: schema contexts, data returned as sent
    devconf.libyang   libyang's own messages

The levels follow what a person running a script wants: ``logging.basicConfig(level=logging.INFO)``
shows one line per connection and one per commit; the C library's informational chatter (libyang's
verbose messages, each SSH connect attempt, discovery steps) is logged at DEBUG, and warnings and
errors keep their level. ``logging.getLogger("devconf")`` has a :class:`logging.NullHandler`, so
nothing is printed unless the application configures logging. Each record carries two extra
attributes: ``devconf_origin`` (the component, as in the table) and ``devconf_host`` (the device).

The C library delivers only messages at or above the level it is told; a device asks for the most
verbose level any of these loggers enables, re-read before every call, so
``logging.getLogger("devconf.netconf").setLevel(logging.DEBUG)`` takes effect on the next call.
DEBUG includes message bodies (device configuration), never secrets.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from . import _lib

logger = logging.getLogger("devconf")
logger.addHandler(logging.NullHandler())

#: C origin -> child logger suffix (an origin not listed gets its own name).
_CHILD = {"devconf": "session", "libnetconf2": "netconf"}

#: Origins whose INFO messages are chatter (DEBUG in Python); every other origin keeps its levels.
#: ``devconf`` (the session summary: "NETCONF session N with HOST ...") stays INFO: it is the
#: "connected" line.
_INFO_IS_CHATTER = frozenset({"libyang", "ssh", "netconf", "restconf", "http", "tls", "yang", "libnetconf2"})

_TO_PY = {
    _lib.LOG_ERROR: logging.ERROR,
    _lib.LOG_WARNING: logging.WARNING,
    _lib.LOG_INFO: logging.INFO,
    _lib.LOG_DEBUG: logging.DEBUG,
}

_loggers: Dict[str, logging.Logger] = {}

#: Children known in advance (the level the C library is asked for considers each of them).
KNOWN_CHILDREN = ("session", "fleet", "ssh", "netconf", "restconf", "http", "tls", "yang", "libyang")


def child(origin: str) -> logging.Logger:
    """The logger of a C origin (``"libyang"`` -> ``devconf.libyang``, ``"devconf"`` -> ``devconf.session``)."""
    lg = _loggers.get(origin)
    if lg is None:
        name = _CHILD.get(origin, origin) or "session"
        lg = logging.getLogger("devconf." + name.replace(".", "_"))
        _loggers[origin] = lg
    return lg


def py_level(c_level: int, origin: str) -> int:
    """The Python level a C message is logged at."""
    lvl = _TO_PY.get(c_level, logging.DEBUG)
    if lvl == logging.INFO and origin in _INFO_IS_CHATTER:
        return logging.DEBUG
    return lvl


def c_level() -> int:
    """The most verbose C log level any ``devconf`` logger currently lets through."""
    lvl = logger.getEffectiveLevel()
    for name in KNOWN_CHILDREN:
        lvl = min(lvl, logging.getLogger("devconf." + name).getEffectiveLevel())
    if lvl <= logging.DEBUG:
        return _lib.LOG_DEBUG
    if lvl <= logging.INFO:
        return _lib.LOG_INFO
    if lvl <= logging.WARNING:
        return _lib.LOG_WARNING
    return _lib.LOG_ERROR


def info(what: str, host: str, msg: str, *args: Any) -> None:
    """An INFO record of this package itself (``what``: ``"session"`` or ``"fleet"``)."""
    lg = logging.getLogger("devconf." + what)
    if lg.isEnabledFor(logging.INFO):
        lg.info("%s: " + msg, host, *args, extra={"devconf_origin": what, "devconf_host": host})


def make_callback(host: str, quiet_info: bool = False) -> Any:
    """A ``devconf_log_cb`` for one device that logs to the ``devconf.*`` loggers.

    With ``quiet_info`` every INFO message goes to DEBUG (a fleet's sessions: the fleet logs its
    own INFO lines). The returned ctypes object must be kept alive as long as the C context may call it. It holds
    no reference to the device object (no cycle), and no exception leaves it: C cannot unwind
    a Python exception, so a failing handler is ignored (logging's own ``handleError`` already
    reports handler failures).
    """

    def _log(level: int, origin: Optional[bytes], msg: Optional[bytes], payload: Any) -> None:
        try:
            o = _lib.c2str(origin) or "devconf"
            pylevel = py_level(level, o)
            if quiet_info and pylevel == logging.INFO:
                pylevel = logging.DEBUG
            lg = child(o)
            if not lg.isEnabledFor(pylevel):
                return
            lg.log(
                pylevel,
                "%s: %s",
                host,
                _lib.c2str(msg) or "",
                extra={"devconf_origin": o, "devconf_host": host},
            )
        except BaseException:  # noqa: BLE001 - nothing may propagate into C
            pass

    return _lib.LOG_CB(_log)
