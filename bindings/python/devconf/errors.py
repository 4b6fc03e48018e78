"""Exceptions that mirror libdevconf's error codes.

Every failing call raises a subclass of :class:`DevconfError` chosen by the C return code:

=====================  ==========================  =============================================
C code                 exception                   also an instance of
=====================  ==========================  =============================================
``DEVCONF_ERROR``      :class:`DevconfError`
``DEVCONF_EINVAL``     :class:`InvalidArgument`    :class:`ValueError`
``DEVCONF_ENOMEM``     :class:`OutOfMemory`        :class:`MemoryError`
``DEVCONF_ENOTFOUND``  :class:`NotFound`           :class:`LookupError`
``DEVCONF_ETIMEOUT``   :class:`TimeoutError`       :class:`builtins.TimeoutError`
``DEVCONF_ECONNECT``   :class:`ConnectError`       :class:`ConnectionError`
``DEVCONF_EAUTH``      :class:`AuthError`
``DEVCONF_EHOSTKEY``   :class:`HostKeyError`
``DEVCONF_EPROTO``     :class:`ProtocolError`
``DEVCONF_EYANG``      :class:`YangError`
``DEVCONF_ERPC``       :class:`RpcError`
``DEVCONF_EUNSUPPORTED`` :class:`UnsupportedError` :class:`NotImplementedError`
``DEVCONF_EUSER``      :class:`CallbackError`
``DEVCONF_ECANCELED``  :class:`Cancelled`
=====================  ==========================  =============================================

Naming: :class:`RpcError` is the *exception* raised when the device answers with
``<rpc-error>`` (or RESTCONF ``errors``); each entry of its :attr:`~DevconfError.errors` tuple
is an :class:`RpcErrorEntry`, a frozen dataclass with the RFC 6241 fields. ``RpcFailed`` is
an alias of :class:`RpcError` (the name the style guide uses).

Messages come from the C library, which never puts a password, passphrase, key or token in
them; this module adds none.
"""

from __future__ import annotations

import builtins
import ctypes
from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Type

from . import _lib

__all__ = [
    "Cancelled",
    "DevconfError",
    "InvalidArgument",
    "OutOfMemory",
    "NotFound",
    "TimeoutError",
    "ConnectError",
    "AuthError",
    "HostKeyError",
    "ProtocolError",
    "YangError",
    "RpcError",
    "RpcFailed",
    "UnsupportedError",
    "CallbackError",
    "RpcErrorEntry",
    "error_class",
    "error_from_last",
]


@dataclass(frozen=True)
class RpcErrorEntry:
    """One error the device reported: a NETCONF ``<rpc-error>`` or a RESTCONF ``errors/error``.

    Every field is ``None`` when the device did not send it.
    """

    type: Optional[str]
    """error-type: ``"transport"``, ``"rpc"``, ``"protocol"`` or ``"application"``."""
    tag: Optional[str]
    """error-tag, such as ``"invalid-value"``, ``"data-missing"`` or ``"lock-denied"``."""
    severity: Optional[str]
    """error-severity: ``"error"`` or ``"warning"``."""
    app_tag: Optional[str]
    """error-app-tag."""
    path: Optional[str]
    """error-path (an XPath, or a RESTCONF instance identifier)."""
    message: Optional[str]
    """error-message text."""
    lang: Optional[str]
    """xml:lang of error-message."""
    info_xml: Optional[str]
    """The ``<error-info>`` element as XML text."""

    @property
    def info(self) -> Optional[str]:
        """Alias of :attr:`info_xml` (ncclient's name)."""
        return self.info_xml

    def to_dict(self) -> Dict[str, Optional[str]]:
        """The fields as a dict."""
        return {
            "type": self.type,
            "tag": self.tag,
            "severity": self.severity,
            "app_tag": self.app_tag,
            "path": self.path,
            "message": self.message,
            "lang": self.lang,
            "info": self.info_xml,
        }


class DevconfError(Exception):
    """Base of every devconf exception.

    Attributes:
        code: the C return code (a negative ``devconf_code``).
        message: one line a person can act on.
        origin: the layer that failed: ``"netconf"``, ``"restconf"``, ``"ssh"``, ``"tls"``,
            ``"http"``, ``"yang"``, ``"os"``, or ``"devconf"`` (devconf itself: argument checks).
        http_status: the HTTP status of a RESTCONF failure, else 0.
        rpc_errors: the errors the device reported (:class:`RpcErrorEntry`), maybe empty.
    """

    code: int = _lib.ERROR

    def __init__(
        self,
        message: str,
        *,
        code: Optional[int] = None,
        origin: str = "devconf",
        http_status: int = 0,
        rpc_errors: Tuple[RpcErrorEntry, ...] = (),
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.origin = origin
        self.http_status = http_status
        self.rpc_errors: Tuple[RpcErrorEntry, ...] = tuple(rpc_errors)

    @property
    def errors(self) -> Tuple[RpcErrorEntry, ...]:
        """The device-reported errors (same as :attr:`rpc_errors`)."""
        return self.rpc_errors

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return "%s(code=%d, origin=%r, message=%r%s)" % (
            type(self).__name__,
            self.code,
            self.origin,
            self.message,
            ", rpc_errors=%d" % len(self.rpc_errors) if self.rpc_errors else "",
        )

    def __reduce__(self):  # picklable despite the keyword-only constructor
        return (
            _rebuild,
            (type(self), self.message, self.code, self.origin, self.http_status, self.rpc_errors),
        )


def _rebuild(cls, message, code, origin, http_status, rpc_errors):  # type: ignore[no-untyped-def]
    return cls(message, code=code, origin=origin, http_status=http_status, rpc_errors=rpc_errors)


class InvalidArgument(DevconfError, ValueError):
    """Bad input from the caller (``DEVCONF_EINVAL``): a bad URI, option, datastore, ..."""

    code = _lib.EINVAL


class OutOfMemory(DevconfError, MemoryError):
    """Out of memory (``DEVCONF_ENOMEM``)."""

    code = _lib.ENOMEM


class NotFound(DevconfError, LookupError):
    """The requested item does not exist (``DEVCONF_ENOTFOUND``): a file, a module, ..."""

    code = _lib.ENOTFOUND


class TimeoutError(DevconfError, builtins.TimeoutError):  # noqa: A001 (shadows the builtin on purpose)
    """A network wait ran past its timeout (``DEVCONF_ETIMEOUT``).

    Also a :class:`builtins.TimeoutError`, so ``except TimeoutError`` catches it either way.
    """

    code = _lib.ETIMEOUT

    def __init__(self, message: str, **kw) -> None:  # type: ignore[no-untyped-def]
        DevconfError.__init__(self, message, **kw)

    def __str__(self) -> str:
        return self.message


class ConnectError(DevconfError, ConnectionError):
    """The device could not be reached, or the connection broke (``DEVCONF_ECONNECT``)."""

    code = _lib.ECONNECT

    def __init__(self, message: str, **kw) -> None:  # type: ignore[no-untyped-def]
        DevconfError.__init__(self, message, **kw)

    def __str__(self) -> str:
        return self.message


class AuthError(DevconfError):
    """Authentication was rejected (``DEVCONF_EAUTH``)."""

    code = _lib.EAUTH


class HostKeyError(DevconfError):
    """The SSH host key (or TLS certificate) was rejected: unknown or changed (``DEVCONF_EHOSTKEY``)."""

    code = _lib.EHOSTKEY


class ProtocolError(DevconfError):
    """The device sent something malformed or unexpected (``DEVCONF_EPROTO``)."""

    code = _lib.EPROTO


class YangError(DevconfError):
    """A payload failed to parse or validate against the device's YANG schemas (``DEVCONF_EYANG``).

    Nothing was sent to the device.
    """

    code = _lib.EYANG


class RpcError(DevconfError):
    """The device refused the operation (``DEVCONF_ERPC``); :attr:`errors` holds its error list.

    The first entry's fields are also available directly (``tag``, ``type``, ``severity``,
    ``app_tag``, ``path``, ``info_xml``); ``message`` stays the one-line summary.
    """

    code = _lib.ERPC

    def _first(self, name: str) -> Optional[str]:
        return getattr(self.rpc_errors[0], name) if self.rpc_errors else None

    @property
    def tag(self) -> Optional[str]:
        """error-tag of the first error."""
        return self._first("tag")

    @property
    def type(self) -> Optional[str]:
        """error-type of the first error."""
        return self._first("type")

    @property
    def severity(self) -> Optional[str]:
        """error-severity of the first error."""
        return self._first("severity")

    @property
    def app_tag(self) -> Optional[str]:
        """error-app-tag of the first error."""
        return self._first("app_tag")

    @property
    def path(self) -> Optional[str]:
        """error-path of the first error."""
        return self._first("path")

    @property
    def info_xml(self) -> Optional[str]:
        """error-info of the first error, as XML text."""
        return self._first("info_xml")


#: The style guide's name for :class:`RpcError`.
RpcFailed = RpcError


class UnsupportedError(DevconfError, NotImplementedError):
    """The device or transport lacks a capability the call needs (``DEVCONF_EUNSUPPORTED``).

    The message names the missing capability; nothing was sent.
    """

    code = _lib.EUNSUPPORTED


class CallbackError(DevconfError):
    """A callback given to devconf failed (``DEVCONF_EUSER``).

    When a Python callback (for example a keyboard-interactive handler) raises, the call fails
    with this exception and the callback's own exception is its ``__cause__``.
    """

    code = _lib.EUSER


class Cancelled(DevconfError):
    """The call was stopped by its cancel callback (``DEVCONF_ECANCELED``): an asyncio task that
    was cancelled, a fleet run that was stopped."""

    code = _lib.ECANCELED


_BY_CODE: Dict[int, Type[DevconfError]] = {
    _lib.ERROR: DevconfError,
    _lib.EINVAL: InvalidArgument,
    _lib.ENOMEM: OutOfMemory,
    _lib.ENOTFOUND: NotFound,
    _lib.ETIMEOUT: TimeoutError,
    _lib.ECONNECT: ConnectError,
    _lib.EAUTH: AuthError,
    _lib.EHOSTKEY: HostKeyError,
    _lib.EPROTO: ProtocolError,
    _lib.EYANG: YangError,
    _lib.ERPC: RpcError,
    _lib.EUNSUPPORTED: UnsupportedError,
    _lib.EUSER: CallbackError,
    _lib.ECANCELED: Cancelled,
}


def error_class(code: int) -> Type[DevconfError]:
    """The exception class for a C return code (unknown codes give :class:`DevconfError`)."""
    return _BY_CODE.get(code, DevconfError)


def _rpc_entries(err: _lib.ErrorP) -> Tuple[RpcErrorEntry, ...]:
    lib = _lib.lib
    c2str = _lib.c2str
    out = []
    for i in range(lib.devconf_error_rpc_error_count(err)):
        r = lib.devconf_error_rpc_error(err, i)
        if not r:
            continue
        out.append(
            RpcErrorEntry(
                type=c2str(lib.devconf_rpc_error_type(r)),
                tag=c2str(lib.devconf_rpc_error_tag(r)),
                severity=c2str(lib.devconf_rpc_error_severity(r)),
                app_tag=c2str(lib.devconf_rpc_error_app_tag(r)),
                path=c2str(lib.devconf_rpc_error_path(r)),
                message=c2str(lib.devconf_rpc_error_message(r)),
                lang=c2str(lib.devconf_rpc_error_lang(r)),
                info_xml=c2str(lib.devconf_rpc_error_info_xml(r)),
            )
        )
    return tuple(out)


def error_from_last(code: int, func_name: str = "devconf") -> DevconfError:
    """Build the exception for a failed call from the calling thread's ``devconf_error_last()``.

    Must run right after the failed call, on the same thread (``_lib._check`` does).
    """
    lib = _lib.lib
    last = lib.devconf_error_last()
    copy = _lib.ErrorP()
    owned = lib.devconf_error_dup(ctypes.byref(copy), last) == 0
    err = copy if owned else last
    try:
        ecode = lib.devconf_error_code(err)
        if ecode == _lib.OK:
            # The call failed without recording an error (should not happen): say what we know.
            message = "%s failed: %s" % (func_name, _lib.c2str(lib.devconf_strerror(code)))
            return error_class(code)(message, code=code)
        message = _lib.c2str(lib.devconf_error_message(err)) or _lib.c2str(lib.devconf_strerror(code)) or ""
        origin = _lib.c2str(lib.devconf_origin_name(lib.devconf_error_origin(err))) or "none"
        status = int(lib.devconf_error_http_status(err))
        entries = _rpc_entries(err)
        return error_class(code)(message, code=code, origin=origin, http_status=status, rpc_errors=entries)
    finally:
        if owned:
            lib.devconf_error_free(copy)


def strerror(code: int) -> str:
    """Static description of a C return code."""
    return _lib.c2str(_lib.lib.devconf_strerror(code)) or ""
