"""Forwarding of libdevconf's log messages to :mod:`logging`.

Messages go to the logger ``"devconf"`` (which has a :class:`logging.NullHandler`, so nothing is
printed unless the application configures logging). Each record carries two extra attributes:
``devconf_origin`` (the component: ``"devconf"``, ``"libnetconf2"``, ``"libyang"``, ``"ssh"``,
``"netconf"``) and ``devconf_host`` (the device).

The C library delivers only messages at or above the level it is told; a device asks for the
level that ``logging.getLogger("devconf").getEffectiveLevel()`` enables, and re-reads it before
every call, so ``logger.setLevel(logging.DEBUG)`` takes effect on the next call. DEBUG includes
message bodies (device configuration), never secrets.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from . import _lib

logger = logging.getLogger("devconf")
logger.addHandler(logging.NullHandler())

_TO_PY = {
    _lib.LOG_ERROR: logging.ERROR,
    _lib.LOG_WARNING: logging.WARNING,
    _lib.LOG_INFO: logging.INFO,
    _lib.LOG_DEBUG: logging.DEBUG,
}


def c_level() -> int:
    """The most verbose C log level the ``devconf`` logger currently lets through."""
    lvl = logger.getEffectiveLevel()
    if lvl <= logging.DEBUG:
        return _lib.LOG_DEBUG
    if lvl <= logging.INFO:
        return _lib.LOG_INFO
    if lvl <= logging.WARNING:
        return _lib.LOG_WARNING
    return _lib.LOG_ERROR


def make_callback(host: str) -> Any:
    """A ``devconf_log_cb`` for one device that logs to the ``devconf`` logger.

    The returned ctypes object must be kept alive as long as the C context may call it. It holds
    no reference to the device object (no cycle), and no exception leaves it: C cannot unwind
    a Python exception, so a failing handler is ignored (logging's own ``handleError`` already
    reports handler failures).
    """

    def _log(level: int, origin: Optional[bytes], msg: Optional[bytes], payload: Any) -> None:
        try:
            pylevel = _TO_PY.get(level, logging.DEBUG)
            if not logger.isEnabledFor(pylevel):
                return
            o = _lib.c2str(origin) or "devconf"
            logger.log(
                pylevel,
                "%s: %s: %s",
                host,
                o,
                _lib.c2str(msg) or "",
                extra={"devconf_origin": o, "devconf_host": host},
            )
        except BaseException:  # noqa: BLE001 - nothing may propagate into C
            pass

    return _lib.LOG_CB(_log)
