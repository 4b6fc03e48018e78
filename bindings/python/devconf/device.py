"""The :class:`Device`: one NETCONF session, every datastore operation, the NAPALM-style lifecycle.

>>> import devconf
>>> with devconf.connect("netconf://admin@192.0.2.1", password="...") as dev:  # doctest: +SKIP
...     print(dev.get_config(filter="/ietf-interfaces:interfaces", format="json"))
...     dev.edit_config(payload, target="candidate")
...     print(dev.compare_config())
...     dev.commit(confirmed=True, timeout=60)
...     dev.confirm()

A device is used by one thread at a time: every method takes the device's lock, so sharing one
device between threads is safe but serial. Different devices on different threads run in
parallel: ctypes releases the GIL during every C call.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import json
import threading
import time
import weakref
import xml.dom.minidom
import xml.etree.ElementTree as ET
from ctypes import byref, c_char_p, c_void_p
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import _lib
from . import _xml
from . import log as _log
from .errors import CallbackError, ConnectError, DevconfError, InvalidArgument, UnsupportedError

if TYPE_CHECKING:  # pragma: no cover - devconf.notify imports this module
    from .notify import Subscription

__all__ = ["Device", "Transaction", "connect", "Payload", "KbdintHandler"]

#: A configuration or RPC payload: XML text, RFC 7951 JSON text, a dict (sent as JSON), bytes
#: (UTF-8), or an ElementTree / lxml element (sent as XML).
Payload = Union[str, bytes, Dict[str, Any], Any]

#: ``handler(name, instruction, prompt, echo) -> answer``; return ``None`` to abort.
KbdintHandler = Callable[[str, str, str, bool], Optional[str]]

_DATASTORES = {"running": _lib.DS_RUNNING, "candidate": _lib.DS_CANDIDATE, "startup": _lib.DS_STARTUP}
_NMDA_DATASTORES = dict(_DATASTORES, intended=_lib.DS_INTENDED, operational=_lib.DS_OPERATIONAL)
_HOSTKEY = {
    "strict": _lib.HOSTKEY_STRICT,
    "accept-new": _lib.HOSTKEY_ACCEPT_NEW,
    "insecure-skip": _lib.HOSTKEY_INSECURE_SKIP,
}
_WITH_DEFAULTS = {
    "report-all": _lib.WD_REPORT_ALL,
    "report-all-tagged": _lib.WD_REPORT_ALL_TAGGED,
    "trim": _lib.WD_TRIM,
    "explicit": _lib.WD_EXPLICIT,
}
_FILTER_TYPES = {"subtree": _lib.FILTER_SUBTREE, "xpath": _lib.FILTER_XPATH}
_DEFAULT_OPS = {"merge": _lib.EDIT_MERGE, "replace": _lib.EDIT_REPLACE, "none": _lib.EDIT_NONE}
_TEST_OPTIONS = {"test-then-set": _lib.TEST_THEN_SET, "set": _lib.TEST_SET, "test-only": _lib.TEST_ONLY}
_ERROR_OPTIONS = {
    "stop-on-error": _lib.ERROR_OPTION_STOP,
    "continue-on-error": _lib.ERROR_OPTION_CONTINUE,
    "rollback-on-error": _lib.ERROR_OPTION_ROLLBACK,
}
_IN_FORMATS = {None: _lib.FORMAT_AUTO, "auto": _lib.FORMAT_AUTO, "xml": _lib.FORMAT_XML, "json": _lib.FORMAT_JSON}
_OUT_FORMATS = {"xml": _lib.FORMAT_XML, "json": _lib.FORMAT_JSON, "dict": _lib.FORMAT_JSON}
_DIFF_FORMATS = {"unified": _lib.DIFF_UNIFIED, "edit-xml": _lib.DIFF_EDIT_XML, "edit-json": _lib.DIFF_EDIT_JSON}
_LOAD_MODES = {"merge": _lib.LOAD_MERGE, "replace": _lib.LOAD_REPLACE}
_GUARANTEES = (
    (_lib.TXN_LOCKED, "locked"),
    (_lib.TXN_STAGED, "staged"),
    (_lib.TXN_ATOMIC, "atomic"),
    (_lib.TXN_AUTO_REVERT, "auto-revert"),
)


#: Per-thread control of the next calls (set by :func:`call_control`; used by ``devconf.aio``).
_ctl = threading.local()


@contextlib.contextmanager
def call_control(timeout: Optional[float] = None, cancel: Optional[Callable[[], bool]] = None) -> Iterator[None]:
    """Bound and make cancellable every devconf call this thread makes inside the block.

    Args:
        timeout: seconds for each call (its own end-to-end bound, overriding the device's).
        cancel: asked between network reads; returning True stops the call, which raises
            :class:`~devconf.Cancelled` (nothing more is sent; a late reply is skipped).

    ``devconf.aio`` runs each call of a cancelled task under such a block.
    """
    prev = (getattr(_ctl, "timeout_ms", 0), getattr(_ctl, "cancel_cb", None))
    cb = None
    if cancel is not None:

        def _cancel(payload: Any) -> int:
            try:
                return 1 if cancel() else 0
            except BaseException:  # noqa: BLE001 - a failing check stops the call
                return 1

        cb = _lib.CANCEL_CB(_cancel)
    _ctl.timeout_ms = _ms(timeout, "timeout") if timeout is not None else prev[0]
    _ctl.cancel_cb = cb if cb is not None else prev[1]
    try:
        yield
    finally:
        _ctl.timeout_ms, _ctl.cancel_cb = prev


def _need(symbol: str, what: str) -> None:
    if not _lib.has(symbol):
        raise UnsupportedError(
            "%s needs %s(), which the loaded libdevconf (%s) does not export" % (what, symbol, _lib.library_path()),
            code=_lib.EUNSUPPORTED,
        )


def _choice(table: Dict[Any, int], value: Any, what: str) -> int:
    key = value.replace("_", "-").lower() if isinstance(value, str) else value
    try:
        return table[key]
    except (KeyError, TypeError):
        names = ", ".join(repr(k) for k in table if k is not None)
        raise InvalidArgument("%s must be one of %s, not %r" % (what, names, value), code=_lib.EINVAL) from None


def _ms(seconds: Optional[float], what: str) -> int:
    if seconds is None:
        return 0
    try:
        ms = int(round(float(seconds) * 1000))
    except (TypeError, ValueError):
        raise InvalidArgument("%s must be a number of seconds, not %r" % (what, seconds)) from None
    if ms <= 0:
        raise InvalidArgument("%s must be positive (every network wait is bounded), not %r" % (what, seconds))
    return min(ms, 2**31 - 1)


def _max_bytes(value: Optional[int], what: str) -> int:
    """A size limit in bytes (None: the library's default)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value > 2**40:
        raise InvalidArgument("%s must be a number of bytes from 1 to 2**40, not %r" % (what, value))
    return value


def _payload_text(payload: Payload, what: str, config: bool = False) -> "tuple[str, int]":
    """Text of a payload and the format hint it implies.

    With ``config``, an XML ``<config>`` wrapper is removed here, pushing its namespace
    declarations down to the top-level elements (libdevconf's own unwrapping drops them, so
    ``nc:operation`` or identityref prefixes declared on the wrapper would not resolve).
    """
    if isinstance(payload, str):
        text, hint = payload, _lib.FORMAT_AUTO
    elif isinstance(payload, (bytes, bytearray)):
        text, hint = bytes(payload).decode("utf-8"), _lib.FORMAT_AUTO
    elif isinstance(payload, dict):
        return json.dumps(payload), _lib.FORMAT_JSON
    elif ET.iselement(payload):
        text, hint = ET.tostring(payload, encoding="unicode"), _lib.FORMAT_XML
    else:
        lx = _lxml_tostring(payload)
        if lx is None:
            raise TypeError(
                "%s must be XML or JSON text, a dict or an XML element, not %s" % (what, type(payload).__name__)
            )
        text, hint = lx, _lib.FORMAT_XML
    if config and text.lstrip().startswith("<"):
        text = _xml.unwrap_config(text)
    return text, hint


def _lxml_tostring(obj: Any) -> Optional[str]:
    try:
        from lxml import etree  # type: ignore[import-not-found]
    except ImportError:
        return None
    if isinstance(obj, etree._Element):
        return etree.tostring(obj, encoding="unicode")
    return None


def _filter_arg(filter: Optional[str]) -> Optional[bytes]:
    # Surrounding whitespace is trimmed here: libdevconf 0.1.0 hands a filter that starts with
    # whitespace to libnetconf2 unchanged, which refuses it (reported as "out of memory").
    if filter is None:
        return None
    if not isinstance(filter, str):
        filter = _payload_text(filter, "filter")[0]
    return _lib.str2c(filter.strip(), "filter")


def _parse_output(text: str, fmt: str) -> Any:
    if fmt == "dict":
        return json.loads(text) if text.strip() else {}
    return text


def _redact_uri(uri: str) -> str:
    """The URI without anything between '://' and '@' that follows a ':' (a password)."""
    head, sep, rest = uri.partition("://")
    if not sep or "@" not in rest:
        return uri
    userinfo, _, hostpart = rest.rpartition("@")
    if ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    return "%s://%s@%s" % (head, userinfo, hostpart)


class _Secret:
    """A C string holding a secret, wiped after use (the Python str it came from is the caller's)."""

    __slots__ = ("buf",)

    def __init__(self, value: Optional[str], what: str) -> None:
        data = _lib.str2c(value, what)
        self.buf = ctypes.create_string_buffer(data) if data is not None else None

    def ptr(self) -> Optional[ctypes.c_char_p]:
        return ctypes.cast(self.buf, ctypes.c_char_p) if self.buf is not None else None

    def wipe(self) -> None:
        if self.buf is not None:
            ctypes.memset(self.buf, 0, len(self.buf))
            self.buf = None

    def __repr__(self) -> str:
        return "<secret>"


class Device:
    """One session with a device. Create it with :func:`connect`.

    Use it as a context manager (``with devconf.connect(...) as dev:``), or call :meth:`close`.
    Methods raise :class:`~devconf.DevconfError` subclasses on failure. The secrets given to
    :func:`connect` are not kept: they are wiped from the C options after the session opens.
    """

    def __init__(
        self,
        uri: str,
        *,
        username: Optional[str] = None,
        password: Optional[str] = None,
        key_filename: Optional[str] = None,
        passphrase: Optional[str] = None,
        allow_agent: bool = False,
        known_hosts: Optional[str] = None,
        hostkey_policy: str = "strict",
        connect_timeout: Optional[float] = None,
        timeout: Optional[float] = None,
        cache_dir: Optional[str] = None,
        search_dirs: Optional[Sequence[str]] = None,
        kbdint_handler: Optional[KbdintHandler] = None,
        ca_file: Optional[str] = None,
        client_cert: Optional[str] = None,
        client_key: Optional[str] = None,
        bearer_token: Optional[str] = None,
        tls_insecure_skip_verify: bool = False,
        max_reply_bytes: Optional[int] = None,
        call_home: Optional[int] = None,
        call_home_address: str = "0.0.0.0",
        call_home_timeout: float = 60,
    ) -> None:
        self._lock = threading.RLock()
        self._session: Optional[_lib.SessionP] = None
        self._ctx: Optional[_lib.CtxP] = None
        self._uri = _redact_uri(str(uri))
        self._log_level = -1
        self._log_cb: Any = None
        self._kbdint_cb: Any = None
        self._kbdint_exc: Optional[BaseException] = None
        self._timeout = timeout
        self._call_timeout_ms = 0  # 0: the session's RPC timeout (see the timeout property)
        self._txns: "weakref.WeakSet[Transaction]" = weakref.WeakSet()
        self._subs: "weakref.WeakSet[Subscription]" = weakref.WeakSet()
        # NAPALM-style lifecycle state
        self._rollback_config: Optional[str] = None
        self._pending_deadline: Optional[float] = None
        self.last_commit_message: Optional[str] = None

        c_uri = _lib.str2c(uri, "uri")
        policy = _choice(_HOSTKEY, hostkey_policy, "hostkey_policy")
        call_home_args = None
        if call_home is not None:
            call_home_args = _call_home_args(str(uri), call_home, call_home_address, call_home_timeout)
        opts = _lib.SessionOptions()
        lib = _lib.lib
        lib.devconf_session_options_init(byref(opts), _lib.SESSION_OPTIONS_VERSION)
        opts.connect_timeout_ms = _ms(connect_timeout, "connect_timeout")
        opts.rpc_timeout_ms = _ms(timeout, "timeout")
        opts.max_reply_bytes = _max_bytes(max_reply_bytes, "max_reply_bytes")
        opts.hostkey_policy = policy
        opts.use_agent = 1 if allow_agent else 0
        user_b = _lib.str2c(username, "username")
        key_b = _lib.str2c(key_filename, "key_filename")
        kh_b = _lib.str2c(known_hosts, "known_hosts")
        opts.username = user_b
        opts.private_key = key_b
        opts.known_hosts = kh_b
        secrets = [_Secret(password, "password"), _Secret(passphrase, "passphrase"), _Secret(bearer_token, "bearer_token")]
        opts.password = secrets[0].ptr()
        opts.passphrase = secrets[1].ptr()
        tls = (ca_file, client_cert, client_key, bearer_token)
        if _lib.SESSION_OPTIONS_VERSION >= 2:
            ca_b = _lib.str2c(ca_file, "ca_file")
            cert_b = _lib.str2c(client_cert, "client_cert")
            ckey_b = _lib.str2c(client_key, "client_key")
            opts.ca_file = ca_b
            opts.client_cert = cert_b
            opts.client_key = ckey_b
            opts.bearer_token = secrets[2].ptr()
            opts.tls_insecure_skip_verify = 1 if tls_insecure_skip_verify else 0
        elif any(x is not None for x in tls) or tls_insecure_skip_verify:
            for sec in secrets:
                sec.wipe()
            raise UnsupportedError(
                "ca_file, client_cert, client_key, bearer_token and tls_insecure_skip_verify need a libdevconf "
                "with session options version 2 (the loaded one has version 1)",
                code=_lib.EUNSUPPORTED,
            )
        cancel_cb = getattr(_ctl, "cancel_cb", None)
        if cancel_cb is not None:  # devconf.aio: a cancelled connect stops at once
            opts.cancel_cb = cancel_cb
        if kbdint_handler is not None:
            if not callable(kbdint_handler):
                raise TypeError("kbdint_handler must be callable")
            self._kbdint_cb = _lib.KBDINT_CB(self._make_kbdint(kbdint_handler))
            opts.kbdint_cb = self._kbdint_cb

        _lib.note_thread()
        ctx = _lib.CtxP()
        try:
            lib.devconf_ctx_new(byref(ctx))
            self._ctx = ctx
            # Until the session is open, log under the URI's host part.
            self._set_log_host(self._uri.partition("://")[2] or self._uri)
            if cache_dir is None:
                # Setting the default again creates it: libdevconf's RESTCONF transport fails
                # with "cannot create a YANG context" when the cache directory does not exist.
                lib.devconf_ctx_set_cache_dir(ctx, lib.devconf_ctx_cache_dir(ctx))
            else:
                lib.devconf_ctx_set_cache_dir(ctx, _lib.str2c(str(cache_dir), "cache_dir"))
            for d in search_dirs or ():
                lib.devconf_ctx_add_search_dir(ctx, _lib.str2c(str(d), "search_dirs"))
            session = _lib.SessionP()
            try:
                if call_home_args is None:
                    lib.devconf_session_open(byref(session), ctx, c_uri, byref(opts))
                else:
                    _accept_call_home(session, ctx, c_uri, opts, *call_home_args)
            except DevconfError:
                if self._kbdint_exc is not None:
                    exc, self._kbdint_exc = self._kbdint_exc, None
                    raise CallbackError(
                        "keyboard-interactive handler raised %s; authentication aborted" % type(exc).__name__,
                        code=_lib.EUSER,
                        origin="ssh",
                    ) from exc
                raise
            self._session = session
        except BaseException:
            self._free()
            raise
        finally:
            for s in secrets:
                s.wipe()
            opts.password = None
            opts.passphrase = None
            if _lib.SESSION_OPTIONS_VERSION >= 2:
                opts.bearer_token = None
            self._kbdint_cb = None  # only used during the open
        self._read_session_info()
        # Log under the real host name from now on.
        self._set_log_host(self._host)

    _borrowed = False

    def _read_session_info(self) -> None:
        lib = _lib.lib
        self._host = _lib.c2str(lib.devconf_session_host(self._session)) or ""
        self._protocol = int(lib.devconf_session_protocol(self._session))
        self._session_id = int(lib.devconf_session_id(self._session))
        self._capabilities = [
            _lib.c2str(lib.devconf_session_capability(self._session, i)) or ""
            for i in range(lib.devconf_session_capability_count(self._session))
        ]

    @classmethod
    def _borrow(cls, session: _lib.SessionP, name: str) -> "Device":
        """A Device over a session someone else owns (a fleet job's): never closed or freed here,
        and used only on the thread that lent it."""
        self = cls.__new__(cls)
        self._borrowed = True
        self._lock = threading.RLock()
        self._session = session
        self._ctx = None
        self._log_level = -1
        self._log_cb = None
        self._kbdint_cb = None
        self._kbdint_exc = None
        self._timeout = None
        self._call_timeout_ms = 0
        self._txns = weakref.WeakSet()
        self._subs = weakref.WeakSet()
        self._rollback_config = None
        self._pending_deadline = None
        self.last_commit_message = None
        self._read_session_info()
        self._uri = name or self._host
        return self

    # ------------------------------------------------------------------ plumbing

    def _make_kbdint(self, handler: KbdintHandler) -> Callable[..., int]:
        def _cb(name, instruction, prompt, echo, answer, size, payload):  # type: ignore[no-untyped-def]
            try:
                a = handler(_lib.c2str(name) or "", _lib.c2str(instruction) or "", _lib.c2str(prompt) or "", bool(echo))
                if a is None:
                    return 1
                data = _lib.str2c(a, "keyboard-interactive answer")
                assert data is not None
                if len(data) >= size:
                    return 1
                ctypes.memmove(answer, data, len(data))
                ctypes.memset(answer + len(data), 0, 1)
                return 0
            except BaseException as e:  # noqa: BLE001 - saved, re-raised after the C call
                self._kbdint_exc = e
                return 1

        return _cb

    def _set_log_host(self, host: str) -> None:
        # The new callback is installed before the old one is released: the ctx never points
        # at a freed callback object.
        cb = _log.make_callback(host)
        level = _log.c_level()
        assert self._ctx is not None
        _lib.lib.devconf_ctx_set_log_callback(self._ctx, level, cb, None)
        self._log_cb, self._log_level = cb, level

    def _refresh_log_level(self) -> None:
        level = _log.c_level()
        if level != self._log_level and self._ctx:
            _lib.lib.devconf_ctx_set_log_callback(self._ctx, level, self._log_cb, None)
            self._log_level = level

    def _handle(self) -> _lib.SessionP:
        if self._session is None:
            raise ConnectError("the session to %s is closed" % self._uri, code=_lib.ECONNECT, origin="devconf")
        if not self._borrowed:
            _lib.note_thread()
            self._refresh_log_level()
        return self._session

    def _free(self) -> None:
        if self._borrowed:
            for sub in list(getattr(self, "_subs", ())):
                sub.close()
            self._session = None
            return
        lib = _lib.lib
        for txn in list(getattr(self, "_txns", ())):  # transactions end before their session
            txn._free()
        for sub in list(getattr(self, "_subs", ())):  # so do subscriptions (waiting for a reader's slice)
            sub.close()
        if self._session is not None:
            s, self._session = self._session, None
            lib.devconf_session_free(s)
        if self._ctx is not None:
            c, self._ctx = self._ctx, None
            lib.devconf_ctx_free(c)

    def _fill(self, o: Any) -> Any:
        """Set an options struct's timeout_ms and cancel_cb from the call control and the device."""
        o.timeout_ms = getattr(_ctl, "timeout_ms", 0) or self._call_timeout_ms
        cb = getattr(_ctl, "cancel_cb", None)
        if cb is not None:
            o.cancel_cb = cb
        return o

    def _call_opts(self) -> Any:
        """``devconf_call_options *`` for calls that take one (timeout and cancel)."""
        o = _lib.CallOptions()
        o.version = _lib.CallOptions.VERSION
        return byref(self._fill(o))

    def _out(self, fn: Any, *args: Any) -> str:
        out = c_void_p()
        with self._lock:
            fn(byref(out), self._handle(), *args)
            return _lib.take_string(out)

    def _call(self, fn: Any, *args: Any) -> None:
        with self._lock:
            fn(self._handle(), *args)

    # ------------------------------------------------------------------ life cycle

    def close(self) -> None:
        """Close the session (sends ``<close-session>``, bounded by the RPC timeout). Idempotent."""
        with self._lock:
            self._free()

    def __enter__(self) -> "Device":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self._free()
        except Exception:  # interpreter shutdown
            pass

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(
            "devconf.Device cannot be pickled: it is an open session to %s, which lives in this process. "
            "Send what to connect to instead and connect where the work runs: a devconf.Host (secrets by "
            "reference: password_env=...) or an inventory shard (devconf.Fleet.shards()); see the Dask "
            "recipe in the package README" % self._uri
        )

    def __repr__(self) -> str:
        state = "session-id=%d" % self._session_id if self._session is not None else "closed"
        return "<devconf.Device %s %s>" % (self._uri, state)

    # ------------------------------------------------------------------ properties

    @property
    def uri(self) -> str:
        """The URI this device was opened with."""
        return self._uri

    @property
    def host(self) -> str:
        """Host name the session is connected to."""
        return self._host

    @property
    def session_id(self) -> int:
        """Session id the device assigned (NETCONF ``<session-id>``)."""
        return self._session_id

    @property
    def protocol(self) -> str:
        """``"netconf"`` or ``"restconf"``."""
        return "restconf" if self._protocol == _lib.PROTO_RESTCONF else "netconf"

    @property
    def capabilities(self) -> List[str]:
        """The capability URIs the device announced (a copy)."""
        return list(self._capabilities)

    def has_capability(self, name: str) -> bool:
        """Whether the device has a capability.

        ``name`` is a short name (``"candidate"``, ``"confirmed-commit"``, ``"validate"``,
        ``"writable-running"``, ``"startup"``, ``"xpath"``, ``"with-defaults"``, ...), a full
        capability URI, or a YANG module name (``"ietf-interfaces"``).
        """
        with self._lock:
            return bool(_lib.lib.devconf_session_has_capability(self._handle(), _lib.str2c(name, "name")))

    @property
    def connected(self) -> bool:
        """Whether the connection is still up (as far as known without sending anything)."""
        with self._lock:
            if self._session is None:
                return False
            return bool(_lib.lib.devconf_session_is_connected(self._session))

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._session is None

    @property
    def timeout(self) -> Optional[float]:
        """Seconds every later call may take (``None``: the session's RPC timeout, 60 s by default).

        Set at :func:`connect` (``timeout=``) and settable at any time: each later call is bounded
        by the new value, shorter or longer than the session's (ncclient's ``m.timeout = 3``).
        """
        return self._timeout

    @timeout.setter
    def timeout(self, value: Optional[float]) -> None:
        self._call_timeout_ms = 0 if value is None else _ms(value, "timeout")
        self._timeout = value

    @property
    def cache_dir(self) -> str:
        """The schema cache directory of this device's context."""
        with self._lock:
            if self._ctx is None:
                return ""
            return _lib.c2str(_lib.lib.devconf_ctx_cache_dir(self._ctx)) or ""

    @property
    def etag(self) -> Optional[str]:
        """Entity tag of the resource the last read returned (RESTCONF ``ETag``; None on NETCONF)."""
        if not _lib.has("devconf_session_etag"):
            return None
        with self._lock:
            return _lib.c2str(_lib.lib.devconf_session_etag(self._handle()))

    @property
    def last_modified(self) -> Optional[str]:
        """``Last-Modified`` of the resource the last read returned (RESTCONF; None on NETCONF)."""
        if not _lib.has("devconf_session_last_modified"):
            return None
        with self._lock:
            return _lib.c2str(_lib.lib.devconf_session_last_modified(self._handle()))

    # ------------------------------------------------------------------ reads

    def _read_opts(
        self,
        filter_type: Optional[str],
        with_defaults: Optional[str],
        fmt: str,
        depth: Optional[int] = None,
        fields: Optional[str] = None,
        device_text: bool = False,
    ) -> _lib.ReadOptions:
        o = _lib.ReadOptions()
        o.version = _lib.READ_OPTIONS_VERSION
        if device_text:
            if _lib.READ_OPTIONS_VERSION < 3:
                raise UnsupportedError("device_text needs a libdevconf with read options version 3",
                                       code=_lib.EUNSUPPORTED)
            o.device_text = 1
        if depth is not None or fields is not None:
            if _lib.READ_OPTIONS_VERSION < 2:
                raise UnsupportedError(
                    "depth and fields need a libdevconf with read options version 2", code=_lib.EUNSUPPORTED
                )
            if depth is not None:
                if int(depth) < 1:
                    raise InvalidArgument("depth must be 1 or more, not %r" % (depth,))
                o.depth = int(depth)
            o.fields = _lib.str2c(fields, "fields")
        o.filter_type = _lib.FILTER_AUTO if filter_type is None else _choice(_FILTER_TYPES, filter_type, "filter_type")
        o.with_defaults = (
            _lib.WD_DEVICE if with_defaults is None else _choice(_WITH_DEFAULTS, with_defaults, "with_defaults")
        )
        o.format = _choice(_OUT_FORMATS, fmt, "format")
        return self._fill(o)

    def get(
        self,
        filter: Optional[str] = None,
        *,
        filter_type: Optional[str] = None,
        with_defaults: Optional[str] = None,
        format: str = "xml",
        depth: Optional[int] = None,
        fields: Optional[str] = None,
        device_text: bool = False,
    ) -> Any:
        """Configuration and state data (``<get>``).

        Args:
            filter: a subtree filter (XML text) or an XPath expression with module names as
                prefixes (``/ietf-interfaces:interfaces``); ``None`` for everything.
            filter_type: ``"subtree"`` or ``"xpath"``; ``None`` guesses from the first character.
            with_defaults: ``"report-all"``, ``"report-all-tagged"``, ``"trim"`` or ``"explicit"``.
            format: ``"xml"`` or ``"json"`` (text), or ``"dict"`` (parsed JSON).
            depth: RESTCONF ``depth`` (levels returned); NETCONF devices refuse it.
            fields: RESTCONF ``fields`` expression (RFC 8040 4.8.3); NETCONF devices refuse it.
            device_text: return the reply's data as the device sent it (XML only) instead of
                re-printing it through the device's schemas. On NETCONF the reply is never parsed
                (it comes over a second NETCONF session on the same SSH connection): for a large
                datastore several times faster. An XPath filter or an error reply takes the usual
                path. No effect on RESTCONF.
        """
        o = self._read_opts(filter_type, with_defaults, format, depth, fields, device_text)
        text = self._out(_lib.lib.devconf_get, _filter_arg(filter), byref(o))
        return _parse_output(self._unwrap_data(text, format), format)

    def get_config(
        self,
        source: str = "running",
        filter: Optional[str] = None,
        *,
        filter_type: Optional[str] = None,
        with_defaults: Optional[str] = None,
        format: str = "xml",
        depth: Optional[int] = None,
        fields: Optional[str] = None,
        device_text: bool = False,
    ) -> Any:
        """Configuration of a datastore (``<get-config>``): ``"running"``, ``"candidate"`` or ``"startup"``.

        Other arguments as for :meth:`get`.
        """
        ds = _choice(_DATASTORES, source, "source")
        o = self._read_opts(filter_type, with_defaults, format, depth, fields, device_text)
        text = self._out(_lib.lib.devconf_get_config, ds, _filter_arg(filter), byref(o))
        return _parse_output(self._unwrap_data(text, format), format)

    def get_data(
        self,
        datastore: str = "operational",
        filter: Optional[str] = None,
        *,
        filter_type: Optional[str] = None,
        config: Optional[bool] = None,
        origins: Optional[Sequence[str]] = None,
        negate_origins: bool = False,
        max_depth: Optional[int] = None,
        with_origin: bool = False,
        with_defaults: Optional[str] = None,
        format: str = "xml",
    ) -> Any:
        """Read an NMDA datastore (``<get-data>``, RFC 8526); the device needs ``has_capability("nmda")``.

        Args:
            datastore: ``"operational"`` (default), ``"intended"``, ``"running"``, ``"candidate"`` or ``"startup"``.
            filter: subtree filter (XML) or XPath, as for :meth:`get`.
            config: ``True``: configuration only (config-filter true); ``False``: state only; ``None``: both.
            origins: origin identities (``"intended"``, ``"system"``, ``"module:identity"``): only data of these
                origins, or without them when ``negate_origins``. Operational only.
            max_depth: at most this many levels (1 to 65535).
            with_origin: print each node's origin (``or:origin`` / ``ietf-origin:origin``); operational only.
            with_defaults, format: as for :meth:`get`.

        A device without NMDA raises :class:`~devconf.UnsupportedError` naming ietf-netconf-nmda; nothing is sent.
        """
        fn = getattr(_lib.lib, "devconf_get_data", None)
        if fn is None or not hasattr(fn, "errcheck"):
            raise UnsupportedError("get_data needs a libdevconf with NMDA (devconf_get_data)", code=_lib.EUNSUPPORTED)
        ds = _choice(_NMDA_DATASTORES, datastore, "datastore")
        o = _lib.GetDataOptions()
        o.version = _lib.GetDataOptions.VERSION
        o.filter_type = _lib.FILTER_AUTO if filter_type is None else _choice(_FILTER_TYPES, filter_type, "filter_type")
        o.config_filter = (_lib.CONFIG_FILTER_ANY if config is None
                           else _lib.CONFIG_FILTER_CONFIG if config else _lib.CONFIG_FILTER_NONCONFIG)
        keep = None
        if origins:
            names = [origins] if isinstance(origins, str) else list(origins)
            keep = (c_char_p * len(names))(*[_lib.str2c(n, "origin") for n in names])
            o.origins = keep
            o.origin_count = len(names)
        o.negate_origins = 1 if negate_origins else 0
        if max_depth is not None:
            if not 1 <= int(max_depth) <= 65535:
                raise InvalidArgument("max_depth must be 1 to 65535, not %r" % (max_depth,))
            o.max_depth = int(max_depth)
        o.with_origin = 1 if with_origin else 0
        o.with_defaults = (
            _lib.WD_DEVICE if with_defaults is None else _choice(_WITH_DEFAULTS, with_defaults, "with_defaults")
        )
        o.format = _choice(_OUT_FORMATS, format, "format")
        text = self._out(fn, ds, _filter_arg(filter), byref(self._fill(o)))
        del keep
        return _parse_output(text, format)

    def edit_data(
        self,
        config: Payload,
        datastore: str = "candidate",
        *,
        default_operation: Optional[str] = None,
        format: Optional[str] = None,
    ) -> None:
        """Change an NMDA datastore (``<edit-data>``, RFC 8526): ``"candidate"`` (default), ``"running"`` or
        ``"startup"``. ``config`` as for :meth:`edit_config`; ``default_operation`` ``"merge"``, ``"replace"``
        or ``"none"``. A device without NMDA raises :class:`~devconf.UnsupportedError`; nothing is sent.
        """
        fn = getattr(_lib.lib, "devconf_edit_data", None)
        if fn is None or not hasattr(fn, "errcheck"):
            raise UnsupportedError("edit_data needs a libdevconf with NMDA (devconf_edit_data)", code=_lib.EUNSUPPORTED)
        text, o = self._edit_opts(config, default_operation, None, None, format, False)
        ds = _choice(_NMDA_DATASTORES, datastore, "datastore")
        self._call(fn, ds, _lib.str2c(text, "config"), byref(self._fill(o)))

    def _unwrap_data(self, text: str, fmt: str) -> str:
        """The same shape on both protocols: top-level nodes, without a datastore wrapper.

        libdevconf 0.1.0 returns a RESTCONF read of the whole datastore wrapped in ``<data>``
        (``{"ietf-restconf:data": ...}`` in JSON), where NETCONF reads return the nodes.
        """
        if self._protocol != _lib.PROTO_RESTCONF:
            return text
        stripped = text.lstrip()
        if fmt == "xml":
            if stripped.startswith("<data"):
                w = _xml.split_wrapper(stripped, ("data",))
                if w is not None and w.nsdecls.get("", "urn:ietf:params:xml:ns:yang:ietf-restconf") in (
                    "urn:ietf:params:xml:ns:yang:ietf-restconf",
                    _xml.NETCONF_BASE_NS,
                ):
                    return w.inner + ("\n" if w.inner else "")
            return text
        if '"ietf-restconf:data"' in stripped[:200]:
            data = json.loads(stripped)
            if isinstance(data, dict) and list(data) == ["ietf-restconf:data"]:
                inner = data["ietf-restconf:data"] or {}
                return json.dumps(inner, indent=2, ensure_ascii=False) + "\n"
        return text

    # ------------------------------------------------------------------ edits

    def edit_config(
        self,
        config: Payload,
        target: str = "candidate",
        *,
        default_operation: Optional[str] = None,
        test_option: Optional[str] = None,
        error_option: Optional[str] = None,
        format: Optional[str] = None,
        if_match: bool = False,
    ) -> None:
        """Change configuration (``<edit-config>``).

        Args:
            config: XML (the content of ``<config>``, or wrapped in ``<config>``), RFC 7951 JSON
                text, or a dict (sent as JSON). Per-node operations go in the payload
                (``nc:operation="delete"``). It is validated against the device's schemas first:
                a bad payload raises :class:`~devconf.YangError` and nothing is sent.
            target: ``"candidate"`` (default) or ``"running"`` (needs writable-running).
            default_operation: ``"merge"``, ``"replace"`` or ``"none"``.
            test_option: ``"test-then-set"``, ``"set"`` or ``"test-only"``.
            error_option: ``"stop-on-error"``, ``"continue-on-error"`` or ``"rollback-on-error"``.
            format: ``"xml"`` or ``"json"``; ``None`` detects it.
            if_match: RESTCONF optimistic locking: send ``If-Match`` with the :attr:`etag` of the
                last read; the edit fails (HTTP 412) when the resource changed since.
        """
        text, o = self._edit_opts(config, default_operation, test_option, error_option, format, if_match)
        ds = _choice(_DATASTORES, target, "target")
        self._call(_lib.lib.devconf_edit_config, ds, _lib.str2c(text, "config"), byref(self._fill(o)))

    @staticmethod
    def _edit_opts(
        config: Payload,
        default_operation: Optional[str] = None,
        test_option: Optional[str] = None,
        error_option: Optional[str] = None,
        format: Optional[str] = None,
        if_match: bool = False,
    ) -> "tuple[str, _lib.EditOptions]":
        text, hint = _payload_text(config, "config", config=True)
        o = _lib.EditOptions()
        o.version = _lib.EDIT_OPTIONS_VERSION
        if if_match:
            if _lib.EDIT_OPTIONS_VERSION < 2:
                raise UnsupportedError("if_match needs a libdevconf with edit options version 2", code=_lib.EUNSUPPORTED)
            o.if_match = 1
        o.default_operation = (
            _lib.EDIT_MERGE if default_operation is None else _choice(_DEFAULT_OPS, default_operation, "default_operation")
        )
        o.test_option = _lib.TEST_DEVICE if test_option is None else _choice(_TEST_OPTIONS, test_option, "test_option")
        o.error_option = (
            _lib.ERROR_OPTION_DEVICE if error_option is None else _choice(_ERROR_OPTIONS, error_option, "error_option")
        )
        o.format = hint if format is None else _choice(_IN_FORMATS, format, "format")
        return text, o

    def edit_diff(
        self,
        config: Payload,
        target: str = "candidate",
        *,
        default_operation: Optional[str] = None,
        format: Optional[str] = None,
        output: str = "unified",
    ) -> str:
        """What an edit would change, computed locally; nothing is written (``devconf_diff()``).

        Reads ``target``, applies ``config`` with edit-config semantics and returns a unified
        diff of the configuration text (``output="unified"``), or the edit-config payload that
        expresses exactly the change (``"edit-xml"``, ``"edit-json"``). ``""`` when nothing changes.
        """
        _need("devconf_diff", "edit_diff")
        text, o = self._edit_opts(config, default_operation, None, None, format)
        ds = _choice(_DATASTORES, target, "target")
        return self._out(_lib.lib.devconf_diff, ds, _lib.str2c(text, "config"), byref(self._fill(o)),
                         _choice(_DIFF_FORMATS, output, "output"))

    def dry_run(
        self,
        config: Payload,
        target: str = "candidate",
        *,
        default_operation: Optional[str] = None,
        format: Optional[str] = None,
    ) -> None:
        """Apply an edit locally and validate the whole result against the schemas (mandatory,
        must, when, leafref, ...); nothing is written (``devconf_dry_run()``).

        Raises :class:`~devconf.YangError` naming the problem (also as an entry of ``errors``).
        """
        _need("devconf_dry_run", "dry_run")
        text, o = self._edit_opts(config, default_operation, None, None, format)
        ds = _choice(_DATASTORES, target, "target")
        self._call(_lib.lib.devconf_dry_run, ds, _lib.str2c(text, "config"), byref(self._fill(o)))

    def convert(self, data: Payload, to: str = "json") -> Any:
        """Convert a configuration payload between XML and JSON against the device's schemas
        (``devconf_convert()``); ``to`` is ``"xml"``, ``"json"`` or ``"dict"``. Nothing is sent."""
        _need("devconf_convert", "convert")
        text, _ = _payload_text(data, "data")
        out = self._out(_lib.lib.devconf_convert, _lib.str2c(text, "data"), _choice(_OUT_FORMATS, to, "to"))
        return _parse_output(out, to)

    def subscribe(
        self,
        stream: Optional[str] = None,
        filter: Optional[Any] = None,
        *,
        filter_type: Optional[str] = None,
        start_time: Optional[Any] = None,
        stop_time: Optional[Any] = None,
        format: str = "xml",
        queue: Optional[int] = None,
    ) -> "Subscription":
        """Subscribe to an event stream of the device (NETCONF: RFC 5277 ``<create-subscription>``).

        Args:
            stream: the event stream; ``None``: the device's default (``"NETCONF"``).
            filter: a subtree filter (XML text or element) or an XPath expression; ``None``: every
                event. Checked against the device's schemas before anything is sent.
            filter_type: ``"subtree"`` or ``"xpath"``; ``None`` guesses from the first character.
            start_time: replay stored events from then (an RFC 3339 text or an aware
                :class:`datetime.datetime`; needs the :replay capability).
            stop_time: end the subscription then (needs ``start_time``).
            format: ``"xml"`` or ``"json"`` (RFC 7951): the encoding of each notification's text.
            queue: notifications kept before newly arriving ones are dropped (default 1024).

        Returns:
            a :class:`~devconf.notify.Subscription`: ``for n in sub``, ``sub.next(timeout=)``,
            ``async for n in sub``; close it (or ``with``) before the device.

        Raises:
            devconf.InvalidArgument: bad arguments, or the session already has a subscription
                (one per session: open another device for another).
            devconf.UnsupportedError: the device has no notifications (or no :replay for a start
                time); a libdevconf without notifications.
            devconf.YangError: the filter does not match the device's schemas.
            devconf.RpcError: the device refused the subscription.
        """
        from .notify import subscribe as _subscribe

        return _subscribe(
            self, stream, filter, filter_type=filter_type, start_time=start_time, stop_time=stop_time,
            format=format, queue=queue,
        )

    def transaction(self) -> "Transaction":
        """Begin a transaction (``devconf_txn_begin()``): the NAPALM life cycle done by the C
        library, with the guarantees the device allows (see :class:`Transaction`)."""
        _need("devconf_txn_begin", "transaction")
        return Transaction(self)

    def commit(
        self,
        confirmed: bool = False,
        timeout: Optional[Union[int, str]] = None,
        persist: Optional[str] = None,
        persist_id: Optional[str] = None,
    ) -> None:
        """Commit the candidate to running (``<commit>``).

        Args:
            confirmed: a confirmed commit, reverted unless confirmed within ``timeout``.
            timeout: seconds until the revert (int or numeric str; default: the device's 600 s).
            persist: a persist id, so the confirmed commit survives this session.
            persist_id: confirm a commit that was started with this persist id (any session).
        """
        o = _lib.CommitOptions()
        o.version = _lib.CommitOptions.VERSION
        o.confirmed = 1 if confirmed else 0
        if timeout is not None:
            try:
                t = int(timeout)
            except (TypeError, ValueError):
                raise InvalidArgument("commit: timeout must be a number of seconds, not %r" % (timeout,)) from None
            if t <= 0 or t > 0xFFFFFFFF:
                raise InvalidArgument("commit: timeout must be between 1 and 4294967295 seconds, not %r" % (timeout,))
            o.confirm_timeout = t
        o.persist = _lib.str2c(persist, "persist")
        o.persist_id = _lib.str2c(persist_id, "persist_id")
        self._call(_lib.lib.devconf_commit, byref(self._fill(o)))
        if confirmed:
            _log.info("session", self._host, "committed, confirmed commit: reverts in %s s unless confirmed",
                      o.confirm_timeout or 600)
        else:
            _log.info("session", self._host, "committed")

    def confirm(self, persist_id: Optional[str] = None) -> None:
        """Confirm a confirmed commit: a plain commit (with ``persist_id`` when it was persisted)."""
        self.commit(persist_id=persist_id)

    def cancel_commit(self, persist_id: Optional[str] = None) -> None:
        """Cancel an ongoing confirmed commit, reverting it (``<cancel-commit>``, confirmed-commit 1.1)."""
        self._call(_lib.lib.devconf_cancel_commit, _lib.str2c(persist_id, "persist_id"), self._call_opts())
        _log.info("session", self._host, "confirmed commit cancelled: running reverted")

    def discard_changes(self) -> None:
        """Drop uncommitted changes from the candidate (``<discard-changes>``)."""
        self._call(_lib.lib.devconf_discard_changes, self._call_opts())

    def lock(self, target: str = "candidate") -> None:
        """Lock a datastore (``<lock>``). A lock held elsewhere raises RpcError with tag ``lock-denied``."""
        self._call(_lib.lib.devconf_lock, _choice(_DATASTORES, target, "target"), self._call_opts())

    def unlock(self, target: str = "candidate") -> None:
        """Unlock a datastore (``<unlock>``)."""
        self._call(_lib.lib.devconf_unlock, _choice(_DATASTORES, target, "target"), self._call_opts())

    @contextlib.contextmanager
    def locked(self, target: str = "candidate") -> Iterator["Device"]:
        """Hold a datastore lock for a ``with`` block; unlocked on the way out, even on errors."""
        self.lock(target)
        try:
            yield self
        except BaseException:
            with contextlib.suppress(DevconfError):
                self.unlock(target)
            raise
        else:
            self.unlock(target)

    def partial_lock(self, select: Union[str, Sequence[str]]) -> int:
        """Lock part of running (``<partial-lock>``, RFC 5717) and return the lock's id.

        Args:
            select: one XPath expression or several, with module names as prefixes
                (``"/ietf-interfaces:interfaces/interface[name='eth0']"``); each must compile against
                the device's schemas, name something and name configuration only, or nothing is
                sent (:class:`~devconf.YangError`).

        Other sessions cannot change the locked parts until :meth:`partial_unlock` or the end of
        this session. Raises :class:`~devconf.UnsupportedError` without ``:partial-lock`` (and over
        RESTCONF), :class:`~devconf.RpcError` when the device refuses (``lock-denied`` names the
        holder's session when the device says it).
        """
        selects = [select] if isinstance(select, str) else list(select)
        if not selects or not all(isinstance(x, str) for x in selects):
            raise InvalidArgument("partial_lock: give one XPath select or a non-empty list of them")
        arr = (c_char_p * len(selects))(*[_lib.str2c(x, "select") for x in selects])
        lock_id = ctypes.c_uint32(0)
        self._call(_lib.lib.devconf_partial_lock, arr, len(selects), byref(lock_id), self._call_opts())
        return int(lock_id.value)

    def partial_unlock(self, lock_id: int) -> None:
        """Release a partial lock (``<partial-unlock>``, RFC 5717) taken by :meth:`partial_lock`."""
        if not isinstance(lock_id, int) or isinstance(lock_id, bool) or not 0 <= lock_id <= 0xFFFFFFFF:
            raise InvalidArgument("partial_unlock: lock_id must be an unsigned 32-bit int, not %r" % (lock_id,))
        self._call(_lib.lib.devconf_partial_unlock, lock_id, self._call_opts())

    @contextlib.contextmanager
    def partially_locked(self, select: Union[str, Sequence[str]]) -> Iterator[int]:
        """Hold a partial lock for a ``with`` block (yields its id); released on the way out, even on errors."""
        lock_id = self.partial_lock(select)
        try:
            yield lock_id
        except BaseException:
            with contextlib.suppress(DevconfError):
                self.partial_unlock(lock_id)
            raise
        else:
            self.partial_unlock(lock_id)

    def _ds_or_config(self, value: Payload, what: str) -> "tuple[int, Optional[bytes]]":
        if isinstance(value, str) and value.replace("_", "-").lower() in _DATASTORES:
            return _DATASTORES[value.lower()], None
        text, _ = _payload_text(value, what, config=True)
        return _lib.DS_CONFIG, _lib.str2c(text, what)

    def validate(self, source: Payload = "candidate") -> None:
        """Validate a datastore (``"candidate"``, ``"running"``, ``"startup"``) or inline configuration."""
        ds, text = self._ds_or_config(source, "source")
        self._call(_lib.lib.devconf_validate, ds, text, self._call_opts())

    def copy_config(self, target: str, source: Payload = "running") -> None:
        """Copy a whole configuration (``<copy-config>``).

        Args:
            target: the datastore to overwrite.
            source: a datastore name, or configuration text / dict to copy.
        """
        ds, text = self._ds_or_config(source, "source")
        self._call(_lib.lib.devconf_copy_config, _choice(_DATASTORES, target, "target"), ds, text, self._call_opts())

    def delete_config(self, target: str) -> None:
        """Delete a datastore (``<delete-config>``): startup, or candidate where the device allows it."""
        self._call(_lib.lib.devconf_delete_config, _choice(_DATASTORES, target, "target"), self._call_opts())

    def get_schema(self, identifier: str, version: Optional[str] = None, format: Optional[str] = None) -> str:
        """Schema text of a module the device has (``<get-schema>``); ``format`` is ``"yang"`` or ``"yin"``."""
        return self._out(
            _lib.lib.devconf_get_schema,
            _lib.str2c(identifier, "identifier"),
            _lib.str2c(version, "version"),
            _lib.str2c(format, "format"),
            self._call_opts(),
        )

    def kill_session(self, session_id: int) -> None:
        """Force another session to close (``<kill-session>``)."""
        self._call(_lib.lib.devconf_kill_session, int(session_id), self._call_opts())

    def rpc(self, rpc: Payload, *, format: Optional[str] = None) -> Any:
        """Send any RPC or YANG 1.1 action and return its output.

        Args:
            rpc: the RPC element as XML, its RFC 7951 JSON (``{"module:rpc": {...}}``), or a dict.
            format: ``"xml"``, ``"json"`` or ``"dict"``; ``None`` answers in the RPC's encoding.

        Returns ``""`` (``{}`` for ``"dict"``) for an ``<ok/>`` reply.
        """
        text, hint = _payload_text(rpc, "rpc")
        if format is None:
            cfmt = _lib.FORMAT_AUTO if hint == _lib.FORMAT_AUTO else hint
            out_kind = "text"
        else:
            cfmt = _choice(_OUT_FORMATS, format, "format")
            out_kind = format
        ro = _lib.RpcOptions()
        ro.version = _lib.RpcOptions.VERSION
        ro.format = cfmt
        result = self._out(_lib.lib.devconf_rpc, _lib.str2c(text, "rpc"), byref(self._fill(ro)))
        if out_kind == "dict" or (format is None and isinstance(rpc, dict)):
            return json.loads(result) if result.strip() else {}
        return result

    # ------------------------------------------------------------------ NAPALM-style lifecycle

    def _require(self, capability: str, what: str) -> None:
        if not self.has_capability(capability):
            raise UnsupportedError(
                "%s needs the '%s' capability, which %s does not announce" % (what, capability, self._host),
                code=_lib.EUNSUPPORTED,
                origin="netconf",
            )

    @staticmethod
    def _napalm_payload(filename: Optional[str], config: Optional[Payload], what: str) -> Payload:
        if (filename is None) == (config is None):
            raise InvalidArgument("%s: give exactly one of filename= or config=" % what)
        if filename is not None:
            with open(filename, encoding="utf-8") as f:
                return f.read()
        assert config is not None
        return config

    def load_merge_candidate(
        self, filename: Optional[str] = None, config: Optional[Payload] = None, *, format: Optional[str] = None
    ) -> None:
        """Merge configuration into the candidate (edit-config, default-operation merge)."""
        payload = self._napalm_payload(filename, config, "load_merge_candidate")
        self._require("candidate", "load_merge_candidate")
        self.edit_config(payload, target="candidate", default_operation="merge", format=format)

    def load_replace_candidate(
        self, filename: Optional[str] = None, config: Optional[Payload] = None, *, format: Optional[str] = None
    ) -> None:
        """Replace the candidate's configuration (edit-config, default-operation replace)."""
        payload = self._napalm_payload(filename, config, "load_replace_candidate")
        self._require("candidate", "load_replace_candidate")
        self.edit_config(payload, target="candidate", default_operation="replace", format=format)

    def compare_config(self, format: str = "json") -> str:
        """A unified diff from the running to the candidate configuration; ``""`` when equal.

        Both datastores are read with get-config and normalised so the diff is stable:

        * ``format="json"`` (default): RFC 7951 JSON, pretty printed with 2-space indents and
          object keys sorted; list entries stay in the device's order. Falls back to XML when
          the device returns data its schemas do not describe.
        * ``format="xml"``: the XML as read (libyang prints it the same way every time), with
          whitespace between elements and comments dropped, pretty printed with 2-space
          indents; element and attribute order are the device's.

        The diff headers are ``--- running`` and ``+++ candidate``.
        """
        self._require("candidate", "compare_config")
        fmt = format.lower()
        if fmt not in ("json", "xml"):
            raise InvalidArgument("compare_config: format must be 'json' or 'xml', not %r" % (format,))
        with self._lock:
            if fmt == "json":
                try:
                    run = _pretty_json(self.get_config("running", format="json"))
                    cand = _pretty_json(self.get_config("candidate", format="json"))
                except DevconfError as e:
                    if e.code != _lib.EYANG:
                        raise
                    fmt = "xml"
            if fmt == "xml":
                run = _pretty_xml(self.get_config("running"))
                cand = _pretty_xml(self.get_config("candidate"))
        diff = difflib.unified_diff(
            run.splitlines(keepends=True), cand.splitlines(keepends=True), fromfile="running", tofile="candidate"
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in diff)

    def diff(self, format: str = "json") -> str:
        """Alias of :meth:`compare_config`."""
        return self.compare_config(format=format)

    def commit_config(self, message: Optional[str] = None, revert_in: Optional[int] = None) -> None:
        """Commit the candidate, remembering the running configuration for :meth:`rollback`.

        Args:
            message: a commit comment. NETCONF has no place for it: it is logged (INFO) and kept
                in :attr:`last_commit_message`, not sent.
            revert_in: seconds; makes it a confirmed commit that the device reverts unless
                :meth:`confirm_commit` is called in time (needs confirmed-commit).
        """
        self._require("candidate", "commit_config")
        if revert_in is not None:
            self._require("confirmed-commit", "commit_config(revert_in=...)")
        with self._lock:
            if self.has_pending_commit():
                raise InvalidArgument(
                    "commit_config: a confirmed commit is pending on %s: confirm_commit() or rollback() first"
                    % self._host
                )
            snapshot = self._snapshot_running()
            if revert_in is not None:
                self.commit(confirmed=True, timeout=revert_in)
                self._pending_deadline = time.monotonic() + int(revert_in)
            else:
                self.commit()
                self._pending_deadline = None
            self._rollback_config = snapshot
            self.last_commit_message = message
            if message is not None:
                _log.info("session", self._host, "commit message: %s", message)

    def _snapshot_running(self) -> str:
        if self._protocol == _lib.PROTO_RESTCONF:
            return self.get_config("running", format="json")
        wd = "explicit" if self.has_capability("with-defaults") else None
        return self.get_config("running", with_defaults=wd)

    def _restconf_restore(self, snapshot: str) -> None:
        """RESTCONF has no copy-config: replace each top-level subtree that changed since the
        snapshot (a whole-datastore replace would also carry the state data some servers return
        from a configuration read)."""
        before = json.loads(snapshot) if snapshot.strip() else {}
        now = self.get_config("running", format="dict")
        added = sorted(set(now) - set(before))
        if added:
            raise UnsupportedError(
                "rollback over RESTCONF cannot remove the top-level nodes added since the last "
                "commit_config (%s); nothing was changed" % ", ".join(added),
                code=_lib.EUNSUPPORTED,
            )
        self.discard_changes()
        for key in sorted(before):
            if now.get(key) != before[key]:
                self.edit_config({key: before[key]}, target="candidate", default_operation="replace")

    def confirm_commit(self) -> None:
        """Confirm the pending confirmed commit made by :meth:`commit_config` (``revert_in``)."""
        with self._lock:
            if not self.has_pending_commit():
                raise InvalidArgument("confirm_commit: no confirmed commit is pending on %s" % self._host)
            self.commit()
            self._pending_deadline = None

    def has_pending_commit(self) -> bool:
        """Whether a confirmed commit made by :meth:`commit_config` awaits confirmation.

        Tracked on this object: NETCONF cannot ask the device. After the ``revert_in`` time
        has passed it reports ``False`` (the device has reverted, or is about to).
        """
        with self._lock:
            if self._pending_deadline is None:
                return False
            if time.monotonic() >= self._pending_deadline:
                self._pending_deadline = None
                return False
            return True

    def discard_config(self) -> None:
        """Drop the changes loaded into the candidate (``<discard-changes>``)."""
        self._require("candidate", "discard_config")
        self.discard_changes()

    def rollback(self) -> None:
        """Undo the last :meth:`commit_config`.

        A confirmed commit still pending is cancelled (``<cancel-commit>``, confirmed-commit
        1.1). Otherwise the running configuration saved just before the last commit_config is
        copied into the candidate (copy-config; on RESTCONF, an edit with default-operation
        replace) and committed. Only one level is kept, per Device object.
        """
        self._require("candidate", "rollback")
        with self._lock:
            if self.has_pending_commit() and self.has_capability(
                "urn:ietf:params:netconf:capability:confirmed-commit:1.1"
            ):
                self.cancel_commit()
                self._pending_deadline = None
                self._rollback_config = None
                return
            snapshot = self._rollback_config
            if snapshot is None:
                raise InvalidArgument("rollback: commit_config() has committed nothing on this device object")
            if not snapshot.strip():
                raise UnsupportedError(
                    "rollback: the saved configuration is empty, and copy-config of an empty configuration "
                    "is refused by libdevconf; nothing was changed",
                    code=_lib.EUNSUPPORTED,
                )
            if self._protocol == _lib.PROTO_RESTCONF:
                self._restconf_restore(snapshot)
            else:
                self.copy_config("candidate", snapshot)
            self.commit()
            self._pending_deadline = None
            self._rollback_config = None


class Transaction:
    """A configuration transaction run by libdevconf (``devconf_txn_*``).

    begin (lock where the device can, snapshot running) -> :meth:`load` (merge or replace) ->
    :meth:`diff` -> :meth:`commit` (optionally with ``revert_in``) -> :meth:`confirm` or
    :meth:`rollback` -> :meth:`close` (unlock; uncommitted loads are discarded). Use it as a
    context manager::

        with dev.transaction() as t:
            t.load(payload)
            print(t.diff())
            t.commit(revert_in=60)
            t.confirm()

    :attr:`guarantees` tells what the device allows (``"locked"``, ``"staged"``, ``"atomic"``,
    ``"auto-revert"``) and :attr:`missing` says in a sentence what it cannot guarantee.
    """

    def __init__(self, device: Device) -> None:
        self._device = device
        self._txn: Optional[_lib.TxnP] = None
        t = _lib.TxnP()
        with device._lock:
            _lib.lib.devconf_txn_begin(byref(t), device._handle())
            self._txn = t
            device._txns.add(self)

    def _handle(self) -> _lib.TxnP:
        if self._txn is None:
            raise InvalidArgument("the transaction is closed")
        self._device._handle()
        return self._txn

    def _free(self) -> None:
        if self._txn is not None:
            t, self._txn = self._txn, None
            _lib.lib.devconf_txn_free(t)

    @property
    def guarantees(self) -> "frozenset[str]":
        """What this transaction guarantees on this device."""
        with self._device._lock:
            flags = _lib.lib.devconf_txn_guarantees(self._handle())
        return frozenset(name for bit, name in _GUARANTEES if flags & bit)

    @property
    def missing(self) -> str:
        """What it cannot guarantee on this device, as a sentence; ``""`` when nothing."""
        with self._device._lock:
            return _lib.c2str(_lib.lib.devconf_txn_missing(self._handle())) or ""

    def load(self, config: Payload, mode: str = "merge") -> None:
        """Load configuration (``mode`` ``"merge"`` or ``"replace"``: each top-level subtree replaces the device's)."""
        text, _ = _payload_text(config, "config", config=True)
        with self._device._lock:
            _lib.lib.devconf_txn_load(self._handle(), _lib.str2c(text, "config"), _choice(_LOAD_MODES, mode, "mode"))

    def diff(self, output: str = "unified") -> str:
        """What the loads change compared with the snapshot (``"unified"``, ``"edit-xml"``, ``"edit-json"``)."""
        out = c_void_p()
        with self._device._lock:
            _lib.lib.devconf_txn_diff(byref(out), self._handle(), _choice(_DIFF_FORMATS, output, "output"))
            return _lib.take_string(out)

    def commit(self, revert_in: Optional[int] = None) -> None:
        """Commit; with ``revert_in`` (seconds) the device reverts unless :meth:`confirm` follows."""
        seconds = 0 if revert_in is None else int(revert_in)
        if revert_in is not None and not 0 < seconds <= 0xFFFFFFFF:
            raise InvalidArgument("revert_in must be a positive number of seconds, not %r" % (revert_in,))
        o = _lib.TxnCommitOptions()
        o.version = _lib.TxnCommitOptions.VERSION
        o.revert_seconds = seconds
        with self._device._lock:
            _lib.lib.devconf_txn_commit(self._handle(), byref(self._device._fill(o)))
        _log.info("session", self._device.host, "transaction committed%s",
                  " (reverts in %d s unless confirmed)" % seconds if seconds else "")

    def confirm(self) -> None:
        """Confirm the pending confirmed commit."""
        with self._device._lock:
            _lib.lib.devconf_txn_confirm(self._handle())
        _log.info("session", self._device.host, "transaction confirmed")

    def rollback(self) -> None:
        """Cancel a pending confirmed commit, or restore running to the snapshot taken at begin."""
        with self._device._lock:
            _lib.lib.devconf_txn_rollback(self._handle())
        _log.info("session", self._device.host, "transaction rolled back")

    def close(self) -> None:
        """End the transaction: discard uncommitted loads, release the lock. Idempotent."""
        with self._device._lock:
            self._free()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (or the device closed)."""
        return self._txn is None

    def __enter__(self) -> "Transaction":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self._free()
        except Exception:
            pass

    def __repr__(self) -> str:
        return "<devconf.Transaction on %s%s>" % (self._device.uri, " closed" if self._txn is None else "")


def _pretty_json(text: str) -> str:
    data = json.loads(text) if text.strip() else {}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _pretty_xml(text: str) -> str:
    if not text.strip():
        return ""
    root = xml.dom.minidom.parseString("<devconf-compare>%s</devconf-compare>" % text).documentElement
    assert root is not None
    _strip_blank_text(root)
    pretty = root.toprettyxml(indent="  ")
    lines = [ln for ln in pretty.splitlines() if ln.strip()]
    # drop the wrapper, unindent one level
    body = [ln[2:] if ln.startswith("  ") else ln for ln in lines[1:-1]]
    return "\n".join(body) + "\n"


def _strip_blank_text(node: Any) -> None:
    for child in list(node.childNodes):
        if child.nodeType == child.TEXT_NODE and not child.data.strip():
            node.removeChild(child)
        elif child.nodeType == child.COMMENT_NODE:
            node.removeChild(child)
        elif child.nodeType == child.ELEMENT_NODE:
            _strip_blank_text(child)


def _call_home_args(uri: str, port: Any, address: Any, timeout: Any) -> Tuple[bytes, int, int, int]:
    """Checks the call_home arguments of :func:`connect` before anything is opened."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise InvalidArgument("call_home must be a port number 0-65535 (0: the RFC 8071 port), not %r" % (port,),
                              code=_lib.EINVAL)
    scheme = uri.partition("://")[0].lower()
    if scheme not in ("netconf", "netconf+ssh", "netconf+tls"):
        raise InvalidArgument("call_home is NETCONF call home (RFC 8071): give a netconf:// or netconf+tls:// URI, "
                              "not %s://" % scheme, code=_lib.EINVAL)
    if not _lib.has("devconf_callhome_accept"):
        raise UnsupportedError("call_home needs a libdevconf with call home (RFC 8071)", code=_lib.EUNSUPPORTED)
    addr = _lib.str2c(str(address), "call_home_address")
    assert addr is not None
    return addr, port, 2 if scheme == "netconf+tls" else 1, _ms(timeout, "call_home_timeout")


def _accept_call_home(session: _lib.SessionP, ctx: _lib.CtxP, c_uri: Optional[bytes], opts: Any, addr: bytes,
                      port: int, transport: int, wait_ms: int) -> None:
    """Listens on addr:port, waits up to wait_ms for the device to connect, opens the session over it."""
    lib = _lib.lib
    listener = _lib.CallHomeP()
    lib.devconf_callhome_listen(byref(listener), ctx, addr, port, transport)
    try:
        lib.devconf_callhome_accept(byref(session), listener, c_uri, byref(opts), wait_ms)
    finally:
        lib.devconf_callhome_free(listener)


def connect(
    uri: str,
    *,
    username: Optional[str] = None,
    password: Optional[str] = None,
    key_filename: Optional[str] = None,
    passphrase: Optional[str] = None,
    allow_agent: bool = False,
    known_hosts: Optional[str] = None,
    hostkey_policy: str = "strict",
    connect_timeout: Optional[float] = None,
    timeout: Optional[float] = None,
    cache_dir: Optional[str] = None,
    search_dirs: Optional[Sequence[str]] = None,
    kbdint_handler: Optional[KbdintHandler] = None,
    ca_file: Optional[str] = None,
    client_cert: Optional[str] = None,
    client_key: Optional[str] = None,
    bearer_token: Optional[str] = None,
    tls_insecure_skip_verify: bool = False,
    max_reply_bytes: Optional[int] = None,
    call_home: Optional[int] = None,
    call_home_address: str = "0.0.0.0",
    call_home_timeout: float = 60,
) -> Device:
    """Open a session to a device.

    Args:
        uri: ``netconf://[user@]host[:port]`` (NETCONF over SSH, port 830 by default),
            ``netconf+tls://host[:port]`` (NETCONF over TLS, RFC 7589, port 6513; needs
            ``client_cert``: the device takes the user name from it),
            ``restconf://host[:port][/root]`` (RESTCONF over HTTPS, port 443; the root is
            discovered when not given) or ``restconf+http://...`` (plain HTTP, only when asked
            for); IPv6 literals in brackets. A password in the URI is refused: pass ``password=``.
        username: login name (overrides the URI's; default: the URI's, else ``$USER``).
        password: SSH password; also answers a single keyboard-interactive password prompt.
        key_filename: private key file for public-key authentication.
        passphrase: passphrase of ``key_filename`` (or of an encrypted ``client_key``).
        allow_agent: also try the keys of the ssh-agent at ``$SSH_AUTH_SOCK``.
        known_hosts: known_hosts file (default ``~/.ssh/known_hosts``).
        hostkey_policy: ``"strict"`` (default: unknown or changed keys are refused),
            ``"accept-new"`` (record unknown keys, refuse changed ones) or ``"insecure-skip"``
            (no check at all: anyone on the path can impersonate the device).
        connect_timeout: seconds for TCP connect, SSH, authentication and hello (default 10).
        timeout: seconds for every later network wait (default 60).
        cache_dir: where schemas downloaded from the device are kept (default
            ``$XDG_CACHE_HOME/devconf`` or ``~/.cache/devconf``).
        search_dirs: extra directories searched for YANG modules before asking the device.
        kbdint_handler: ``handler(name, instruction, prompt, echo) -> str | None`` answering
            keyboard-interactive prompts; ``None`` or an exception aborts authentication (an
            exception surfaces as :class:`~devconf.CallbackError` with it as the cause).
        ca_file: PEM CA bundle the server's TLS certificate must chain to (``restconf://`` and
            ``netconf+tls://``; default: the system store). The certificate must also name the
            URI's host (DNS name or IP address in its subjectAltName).
        client_cert, client_key: PEM client certificate and its key for TLS client authentication
            (required by ``netconf+tls://``; ``client_key`` defaults to the ``client_cert`` file).
        bearer_token: RESTCONF ``Authorization: Bearer`` token (never logged, wiped after use).
        tls_insecure_skip_verify: accept any TLS certificate and host name. Insecure.
        max_reply_bytes: largest reply accepted from the device, in bytes (default 256 MiB); a
            longer reply raises :class:`~devconf.ProtocolError` and its memory is returned.
        call_home: NETCONF call home (RFC 8071): do not dial; listen on this TCP port (0: the RFC
            port, 4334 for ``netconf://``, 4335 for ``netconf+tls://``) and wait for the device to
            connect, then open the session over its connection. ``uri`` names the device as if it
            were dialled: its host key is checked against ``known_hosts`` under the URI's host and
            port (``hostkey_policy`` as usual), or its certificate against ``ca_file`` and the URI's
            host. The listener is closed once the session is open (or the wait failed).
        call_home_address: numeric local address to listen on (default ``"0.0.0.0"``).
        call_home_timeout: seconds to wait for the device to connect (default 60); nobody calling
            raises :class:`~devconf.TimeoutError`. The session setup after it is bounded by
            ``connect_timeout``.

    Raises:
        ConnectError, AuthError, HostKeyError, TimeoutError, InvalidArgument, NotFound.
    """
    return Device(
        uri,
        username=username,
        password=password,
        key_filename=key_filename,
        passphrase=passphrase,
        allow_agent=allow_agent,
        known_hosts=known_hosts,
        hostkey_policy=hostkey_policy,
        connect_timeout=connect_timeout,
        timeout=timeout,
        cache_dir=cache_dir,
        search_dirs=search_dirs,
        kbdint_handler=kbdint_handler,
        ca_file=ca_file,
        client_cert=client_cert,
        client_key=client_key,
        bearer_token=bearer_token,
        tls_insecure_skip_verify=tls_insecure_skip_verify,
        max_reply_bytes=max_reply_bytes,
        call_home=call_home,
        call_home_address=call_home_address,
        call_home_timeout=call_home_timeout,
    )
