"""ncclient's manager dialect over devconf: change ``from ncclient import manager`` to
``from devconf import manager`` and a classic script runs as it did, faster.

>>> from devconf import manager
>>> with manager.connect(host="192.0.2.1", port=830, username="admin", password="...",
...                      hostkey_verify=False) as m:                        # doctest: +SKIP
...     for cap in m.server_capabilities:
...         print(cap)
...     reply = m.get_config(source="running", filter=("subtree", "<interfaces .../>"))
...     print(reply.data_xml)
...     m.edit_config(target="candidate", config=config_xml)
...     m.commit()

What is covered: :func:`connect` (alias :func:`connect_ssh`) and :class:`Manager` with
``server_capabilities``, ``client_capabilities``, ``session_id``, ``connected``, ``timeout``,
``raise_mode``, ``get``, ``get_config``, ``edit_config``, ``copy_config``, ``delete_config``,
``lock``, ``unlock``, ``locked``, ``commit``, ``cancel_commit``, ``discard_changes``,
``validate``, ``get_schema``, ``dispatch``, ``kill_session``, ``close_session``,
``create_subscription`` and ``take_notification`` (RFC 5277 notifications). Replies are
:class:`RPCReply` objects (``.xml``, ``.data_xml``, ``.data_ele``/``.data``, ``.ok``, ``.errors``,
``.error``); device errors raise :class:`RPCError` (ncclient's attributes: ``type``, ``tag``,
``app_tag``, ``severity``, ``path``, ``message``, ``info``, ``errors``, ``xml``, ``to_dict()``).

Differences from ncclient, all deliberate or imposed by the C library:

* Payloads and filters are checked against the device's YANG schemas before they are sent:
  an unknown element raises :class:`devconf.YangError` (nothing is sent).
* XPath filters name YANG modules as prefixes on the wire; XML prefixes given with
  ``("xpath", (namespaces, select))`` or on a ``<filter>`` element are translated with the
  device's capabilities.
* Connection failures raise devconf's exceptions (:class:`devconf.AuthError`,
  :class:`devconf.HostKeyError`, :class:`devconf.ConnectError`, :class:`devconf.TimeoutError`).
* Timeouts as in ncclient: ``timeout`` of :func:`connect` bounds connecting (TCP, SSH,
  authentication, hello); ``m.timeout`` is the RPC timeout (default 30 s, or
  ``manager_params={"timeout": s}``) and setting it takes effect on the next operation.
  (:func:`devconf.connect` names them ``connect_timeout=`` and ``timeout=``: there ``timeout`` is
  the per-operation bound.)
* A payload or filter the device's schemas refuse raises :class:`SchemaRPCError` before
  anything is sent: an :class:`RPCError` (tag ``invalid-value``) that is also a
  :class:`devconf.YangError`.
* ``reply.xml`` is rebuilt from the operation's result (libdevconf does not hand out the raw
  reply); message-ids are local ``urn:uuid`` values.
* Vendor ``device_params`` and ncclient's async mode are not supported.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _lib
from . import _xml
from .device import Device
from .errors import DevconfError, InvalidArgument, RpcError, RpcErrorEntry, UnsupportedError, YangError
from .errors import TimeoutError as _DevconfTimeout

__all__ = [
    "connect",
    "connect_ssh",
    "Manager",
    "Capabilities",
    "RPCReply",
    "GetReply",
    "GetSchemaReply",
    "RPCError",
    "SchemaRPCError",
    "OperationError",
    "TimeoutExpiredError",
    "RaiseMode",
    "Notification",
]

logger = logging.getLogger("devconf.manager")

_DATASTORE_NAMES = ("running", "candidate", "startup")
_CAP_PREFIX = "urn:ietf:params:netconf:capability:"
_BASE_PREFIX = "urn:ietf:params:netconf:base:"


class RaiseMode:
    """When an ``<rpc-error>`` becomes an :class:`RPCError` exception (ncclient's values)."""

    NONE = 0  #: never: the reply carries the errors (``reply.ok`` is False)
    ERRORS = 1  #: only errors with severity "error"
    ALL = 2  #: always (the default)


class OperationError(DevconfError):
    """ncclient's base of operation errors (for ``except OperationError``)."""


class TimeoutExpiredError(OperationError, _DevconfTimeout):
    """An operation that got no reply within ``m.timeout`` (ncclient's exception); also a
    :class:`devconf.TimeoutError` and a builtin :class:`TimeoutError`."""

    code = _lib.ETIMEOUT


def _rpc_error_xml(e: RpcErrorEntry) -> str:
    parts = ["<rpc-error>"]
    for tag, value in (
        ("error-type", e.type),
        ("error-tag", e.tag),
        ("error-severity", e.severity),
        ("error-app-tag", e.app_tag),
        ("error-path", e.path),
    ):
        if value is not None:
            parts.append("<%s>%s</%s>" % (tag, _xml.escape(value), tag))
    if e.message is not None:
        lang = ' xml:lang="%s"' % _xml.escape(e.lang, attr=True) if e.lang else ""
        parts.append("<error-message%s>%s</error-message>" % (lang, _xml.escape(e.message)))
    if e.info_xml:
        parts.append(e.info_xml)
    parts.append("</rpc-error>")
    return "".join(parts)


class RPCError(RpcError, OperationError):
    """An ``<rpc-error>`` with ncclient's attributes.

    A subclass of :class:`devconf.RpcError`, so ``except devconf.RpcError`` catches it too.
    ``message`` is the device's error-message (as in ncclient); :attr:`summary` is devconf's
    one-line description. With several errors, :attr:`errors` lists one RPCError per error and
    the attributes describe the first one.
    """

    def __init__(
        self,
        summary: str,
        *,
        code: Optional[int] = None,
        origin: str = "netconf",
        http_status: int = 0,
        rpc_errors: Tuple[RpcErrorEntry, ...] = (),
    ) -> None:
        entries = tuple(rpc_errors)
        first = entries[0] if entries else None
        if len(entries) > 1:
            text = "\n".join(
                "%s: %s" % ((x.severity or "undefined").strip(), (x.message or x.tag or "no message").strip())
                for x in entries
            )
        else:
            text = (first.message if first and first.message else None) or summary
        super().__init__(text, code=_lib.ERPC, origin=origin, http_status=http_status, rpc_errors=entries)
        self.summary = summary
        self._entry = first
        self._children: Optional[List["RPCError"]] = None

    @classmethod
    def from_devconf(cls, e: RpcError) -> "RPCError":
        """The ncclient-style exception for a devconf RpcError."""
        return cls(e.message, origin=e.origin, http_status=e.http_status, rpc_errors=e.rpc_errors)

    def _field(self, name: str) -> Optional[str]:
        return getattr(self._entry, name) if self._entry is not None else None

    @property
    def type(self) -> Optional[str]:  # type: ignore[override]
        """error-type."""
        return self._field("type")

    @property
    def tag(self) -> Optional[str]:  # type: ignore[override]
        """error-tag."""
        return self._field("tag")

    @property
    def app_tag(self) -> Optional[str]:  # type: ignore[override]
        """error-app-tag."""
        return self._field("app_tag")

    @property
    def severity(self) -> Optional[str]:  # type: ignore[override]
        """error-severity ("error" when any of several errors is an error)."""
        if len(self.rpc_errors) > 1:
            return "error" if any(x.severity != "warning" for x in self.rpc_errors) else "warning"
        return self._field("severity")

    @property
    def path(self) -> Optional[str]:  # type: ignore[override]
        """error-path or None."""
        return self._field("path")

    @property
    def info(self) -> Optional[str]:
        """The error-info element as an XML string, or None."""
        return self._field("info_xml")

    @property
    def errors(self) -> List["RPCError"]:  # type: ignore[override]
        """One RPCError per error the device reported."""
        if self._children is None:
            if len(self.rpc_errors) <= 1:
                self._children = [self]
            else:
                self._children = [
                    RPCError(self.summary, origin=self.origin, rpc_errors=(x,)) for x in self.rpc_errors
                ]
        return self._children

    @property
    def xml(self) -> str:
        """The ``<rpc-error>`` element(s) as XML text."""
        return "".join(_rpc_error_xml(x) for x in self.rpc_errors)

    def to_dict(self) -> Dict[str, Optional[str]]:
        """ncclient's dict of the error fields."""
        return {
            "type": self.type,
            "tag": self.tag,
            "app_tag": self.app_tag,
            "severity": self.severity,
            "info": self.info,
            "path": self.path,
            "message": self.message,
        }


class SchemaRPCError(RPCError, YangError):
    """A payload or filter the device's YANG schemas refuse, caught before anything was sent.

    ncclient would have sent it and raised :class:`RPCError` for the device's ``<rpc-error>``;
    devconf refuses it locally with :class:`devconf.YangError`. In the manager dialect it is both:
    ``except RPCError`` (the ncclient script) and ``except devconf.YangError`` catch it. Its one
    error entry is what the device would typically have answered: type ``application``, tag
    ``invalid-value`` (or the entries devconf reported), with devconf's message and path.
    """

    def __init__(self, summary: str, **kw: Any) -> None:
        super().__init__(summary, **kw)
        self.code = _lib.EYANG

    @classmethod
    def from_yang(cls, e: YangError) -> "SchemaRPCError":
        entries = e.rpc_errors or (
            RpcErrorEntry(type="application", tag="invalid-value", severity="error", app_tag=None,
                          path=None, message=e.message, lang=None, info_xml=None),
        )
        return cls(e.message, origin=e.origin, rpc_errors=entries)


# ------------------------------------------------------------------------------- replies


def _parse_element(text: str) -> Any:
    try:
        from lxml import etree  # type: ignore[import-not-found]
    except ImportError:
        return ET.fromstring(text)
    return etree.fromstring(text.encode("utf-8"))


class RPCReply:
    """A reply: ``.xml`` (the ``<rpc-reply>``), ``.ok``, ``.errors``, ``.error``; for data
    replies also ``.data_xml`` (the ``<data>`` element as text) and ``.data_ele``/``.data``
    (parsed: an lxml element when lxml is installed, else an ElementTree element)."""

    def __init__(self, body: str, *, errors: Sequence[RPCError] = (), data_xml: Optional[str] = None) -> None:
        self.message_id = uuid.uuid4().urn
        self._body = body
        self._errors = list(errors)
        self._data_xml = data_xml
        self._data_ele: Any = None

    @property
    def xml(self) -> str:
        """The ``<rpc-reply>`` element as XML text."""
        if self._errors:
            body = "".join(e.xml for e in self._errors)
        else:
            body = self._body
        return '<rpc-reply xmlns="%s" message-id="%s">%s</rpc-reply>' % (_xml.NETCONF_BASE_NS, self.message_id, body)

    @property
    def ok(self) -> bool:
        """True when the device reported no error."""
        return not self._errors

    @property
    def errors(self) -> List[RPCError]:
        """The device's errors (only with ``raise_mode`` NONE; otherwise they were raised)."""
        return list(self._errors)

    @property
    def error(self) -> Optional[RPCError]:
        """The first error, or None."""
        return self._errors[0] if self._errors else None

    @property
    def data_xml(self) -> str:
        """The ``<data>`` element of the reply as XML text."""
        if self._data_xml is None:
            return '<data xmlns="%s"/>' % _xml.NETCONF_BASE_NS
        return self._data_xml

    @property
    def data_ele(self) -> Any:
        """The ``<data>`` element, parsed (lxml when installed, else xml.etree)."""
        if self._data_ele is None:
            self._data_ele = _parse_element(self.data_xml)
        return self._data_ele

    @property
    def data(self) -> Any:
        """Same as :attr:`data_ele`."""
        return self.data_ele

    def __str__(self) -> str:
        return self.xml

    def __repr__(self) -> str:
        return "<devconf.manager.%s ok=%s>" % (type(self).__name__, self.ok)


class GetReply(RPCReply):
    """Reply of get, get-config (and dispatched RPCs with output)."""


class GetSchemaReply(RPCReply):
    """Reply of get-schema: ``.data`` is the schema text."""

    def __init__(self, schema: str) -> None:
        ns = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
        data_xml = '<data xmlns="%s">%s</data>' % (ns, _xml.escape(schema))
        super().__init__(data_xml, data_xml=data_xml)
        self._schema = schema

    @property
    def data(self) -> str:  # type: ignore[override]
        """The schema text."""
        return self._schema


def _data_reply(content: str) -> GetReply:
    content = content.strip()
    if content:
        data_xml = '<data xmlns="%s">%s</data>' % (_xml.NETCONF_BASE_NS, content)
    else:
        data_xml = '<data xmlns="%s"/>' % _xml.NETCONF_BASE_NS
    return GetReply(data_xml, data_xml=data_xml)


def _ok_reply() -> RPCReply:
    return RPCReply("<ok/>")


# ------------------------------------------------------------------------------- capabilities


def _abbreviations(uri: str) -> List[str]:
    base = uri.split("?", 1)[0]
    out = []
    if base.startswith(_CAP_PREFIX):
        rest = base[len(_CAP_PREFIX) :].split(":")
        out.append(":" + rest[0])
        if len(rest) > 1:
            out.append(":%s:%s" % (rest[0], rest[1]))
    elif base.startswith(_BASE_PREFIX):
        out.append(":base")
        out.append(":base:" + base[len(_BASE_PREFIX) :])
    return out


class Capabilities:
    """A capability list as in ncclient: iterate over the URIs; ``in`` accepts a full URI (with
    or without its ``?`` parameters) or an abbreviation such as ``":candidate"`` or
    ``":confirmed-commit:1.1"``."""

    def __init__(self, uris: Iterable[str]) -> None:
        self._uris = list(uris)
        self._keys = set(self._uris)
        for u in self._uris:
            self._keys.add(u.split("?", 1)[0])
            self._keys.update(_abbreviations(u))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._uris)

    def __len__(self) -> int:
        return len(self._uris)

    def __getitem__(self, key: str) -> str:
        for u in self._uris:
            if key == u or key == u.split("?", 1)[0] or key in _abbreviations(u):
                return u
        raise KeyError(key)

    def keys(self) -> List[str]:
        """The URIs."""
        return list(self._uris)

    def __repr__(self) -> str:
        return repr(self._uris)


_CLIENT_CAPABILITIES = [
    "urn:ietf:params:netconf:base:1.0",
    "urn:ietf:params:netconf:base:1.1",
]


# ------------------------------------------------------------------------------- filters


def _to_text(obj: Any, what: str) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, (bytes, bytearray)):
        return bytes(obj).decode("utf-8")
    if ET.iselement(obj):
        return ET.tostring(obj, encoding="unicode")
    try:
        from lxml import etree  # type: ignore[import-not-found]

        if isinstance(obj, etree._Element):
            return etree.tostring(obj, encoding="unicode")
    except ImportError:
        pass
    raise TypeError("%s must be XML text or an element, not %s" % (what, type(obj).__name__))


class Notification:
    """A notification from :meth:`Manager.take_notification` (ncclient's attributes).

    ``notification_xml``: the ``<notification>`` with its ``<eventTime>`` (text);
    ``notification_ele``: the same parsed (lxml when installed, else ElementTree); also
    ``event_time``/``eventTime`` (RFC 3339 text), ``event_datetime``, ``name`` (``"module:name"``),
    ``dropped_before`` (devconf's: notifications lost to a full queue just before this one), and
    ``notification`` (the underlying :class:`devconf.Notification`).
    """

    def __init__(self, n: Any) -> None:
        self.notification = n
        self._ele: Any = None

    @property
    def notification_xml(self) -> str:
        return self.notification.envelope_xml

    @property
    def xml(self) -> str:
        return self.notification_xml

    @property
    def notification_ele(self) -> Any:
        if self._ele is None:
            self._ele = _parse_element(self.notification_xml)
        return self._ele

    @property
    def event_time(self) -> str:
        return self.notification.event_time

    eventTime = event_time

    @property
    def event_datetime(self) -> Any:
        return self.notification.event_datetime

    @property
    def name(self) -> Optional[str]:
        return self.notification.name

    @property
    def dropped_before(self) -> int:
        return self.notification.dropped_before

    def __str__(self) -> str:
        return self.notification_xml

    def __repr__(self) -> str:
        return "<devconf.manager.Notification %s %s>" % (self.event_time, self.name)


class Manager:
    """A NETCONF session in ncclient's dialect (create it with :func:`connect`)."""

    def __init__(self, device: Device, timeout: float = 30) -> None:
        self._dev = device
        self._timeout = timeout
        self._raise_mode = RaiseMode.ALL
        self._server_caps = Capabilities(device.capabilities)
        ns_to_module = {}
        for u in device.capabilities:
            m = re.search(r"[?&]module=([^&]+)", u)
            if m:
                ns_to_module[u.split("?", 1)[0]] = m.group(1)
        self._ns_to_module = ns_to_module
        self._sub: Optional[Any] = None  # devconf.Subscription of create_subscription()

    # ---- properties

    @property
    def device(self) -> Device:
        """The underlying :class:`devconf.Device` (for the NAPALM-style verbs and devconf's API)."""
        return self._dev

    @property
    def server_capabilities(self) -> Capabilities:
        """The capabilities the device announced."""
        return self._server_caps

    @property
    def client_capabilities(self) -> Capabilities:
        """The base capabilities the client announces."""
        return Capabilities(_CLIENT_CAPABILITIES)

    @property
    def session_id(self) -> str:
        """The NETCONF session id (a string, as in ncclient)."""
        return str(self._dev.session_id)

    @property
    def connected(self) -> bool:
        """Whether the session is up."""
        return not self._dev.closed and self._dev.connected

    @property
    def timeout(self) -> float:
        """RPC timeout in seconds (ncclient's ``m.timeout``): each later operation is bounded by it."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: float) -> None:
        self._dev.timeout = value  # checks the value; every later call gets it as its own bound
        self._timeout = value

    @property
    def raise_mode(self) -> int:
        """:class:`RaiseMode` value: ALL (default), ERRORS or NONE."""
        return self._raise_mode

    @raise_mode.setter
    def raise_mode(self, mode: int) -> None:
        if mode not in (RaiseMode.NONE, RaiseMode.ERRORS, RaiseMode.ALL):
            raise ValueError("raise_mode must be RaiseMode.NONE, ERRORS or ALL")
        self._raise_mode = mode

    # ---- plumbing

    def _run(self, fn: Any, *args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw), None
        except _DevconfTimeout as e:
            if isinstance(e, TimeoutExpiredError):
                raise
            raise TimeoutExpiredError(e.message, code=_lib.ETIMEOUT, origin=e.origin) from None
        except (RpcError, YangError) as e:
            if isinstance(e, RPCError):
                err = e
            elif isinstance(e, YangError):
                err = SchemaRPCError.from_yang(e)
            else:
                err = RPCError.from_devconf(e)
            if self._raise_mode == RaiseMode.ALL or (
                self._raise_mode == RaiseMode.ERRORS and err.severity == "error"
            ):
                raise err from None
            return None, err

    def _ok(self, fn: Any, *args: Any, **kw: Any) -> RPCReply:
        _, err = self._run(fn, *args, **kw)
        return RPCReply("<ok/>", errors=err.errors if err else ())

    def _data(self, fn: Any, *args: Any, **kw: Any) -> RPCReply:
        text, err = self._run(fn, *args, **kw)
        if err is not None:
            return GetReply("", errors=err.errors)
        return _data_reply(text)

    def _filter(self, spec: Any) -> Tuple[Optional[str], Optional[str]]:
        """(text, "subtree" | "xpath") for an ncclient filter spec."""
        if spec is None:
            return None, None
        if isinstance(spec, (tuple, list)):
            if len(spec) != 2:
                raise InvalidArgument("filter must be ('subtree', xml) or ('xpath', expr), not %r" % (spec,))
            kind, criteria = spec
            kind = str(kind).lower()
            if kind == "subtree":
                text = _to_text(criteria, "subtree filter")
                w = _xml.split_wrapper(text.strip(), ("filter",))
                return (w.inner if w is not None else text), "subtree"
            if kind == "xpath":
                if isinstance(criteria, (tuple, list)) and len(criteria) == 2:
                    nsmap, select = criteria
                    return _xml.xpath_to_module_prefixes(str(select), dict(nsmap or {}), self._ns_to_module), "xpath"
                return str(criteria), "xpath"
            raise InvalidArgument("filter type must be 'subtree' or 'xpath', not %r" % (kind,))
        text = _to_text(spec, "filter").strip()
        w = _xml.split_wrapper(text, ("filter",))
        if w is None:
            if text.startswith("<"):
                return text, "subtree"  # devconf style: the subtree itself
            return text, "xpath"
        if (w.attr("type") or "subtree") == "xpath":
            select = w.attr("select")
            if select is None:
                raise InvalidArgument("an xpath <filter> needs a select attribute")
            return _xml.xpath_to_module_prefixes(select, w.nsdecls, self._ns_to_module), "xpath"
        return w.inner, "subtree"

    # ---- operations

    def get(self, filter: Any = None, with_defaults: Optional[str] = None) -> RPCReply:
        """``<get>`` with an optional filter: ``("subtree", xml)``, ``("xpath", expr)``,
        ``("xpath", (namespaces, expr))`` or a ``<filter>`` element."""
        text, kind = self._filter(filter)
        return self._data(self._dev.get, text, filter_type=kind, with_defaults=with_defaults)

    def get_config(self, source: str = "running", filter: Any = None, with_defaults: Optional[str] = None) -> RPCReply:
        """``<get-config>`` of ``source`` ("running", "candidate", "startup") with an optional filter."""
        text, kind = self._filter(filter)
        return self._data(self._dev.get_config, source, text, filter_type=kind, with_defaults=with_defaults)

    def edit_config(
        self,
        config: Any = None,
        format: str = "xml",
        target: str = "candidate",
        default_operation: Optional[str] = None,
        test_option: Optional[str] = None,
        error_option: Optional[str] = None,
    ) -> RPCReply:
        """``<edit-config>``: ``config`` is the ``<config>`` element (or its content) as text or an element."""
        if config is None:
            raise TypeError("edit_config() needs config=")
        if format not in ("xml", "json"):
            raise UnsupportedError(
                "edit_config format=%r is not supported by devconf (use 'xml' or 'json')" % (format,),
                code=_lib.EUNSUPPORTED,
            )
        payload = config if isinstance(config, (str, bytes, dict)) else _to_text(config, "config")
        return self._ok(
            self._dev.edit_config,
            payload,
            target,
            default_operation=default_operation,
            test_option=test_option,
            error_option=error_option,
            format=format if isinstance(payload, (str, bytes)) and format == "json" else None,
        )

    def _source(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in _DATASTORE_NAMES:
            return value.strip().lower()
        return value if isinstance(value, (str, bytes, dict)) else _to_text(value, "source")

    def copy_config(self, source: Any, target: str) -> RPCReply:
        """``<copy-config>`` from a datastore name or a ``<config>`` element to ``target``."""
        return self._ok(self._dev.copy_config, target, self._source(source))

    def delete_config(self, target: str) -> RPCReply:
        """``<delete-config>``."""
        return self._ok(self._dev.delete_config, target)

    def lock(self, target: str = "candidate") -> RPCReply:
        """``<lock>``."""
        return self._ok(self._dev.lock, target)

    def unlock(self, target: str = "candidate") -> RPCReply:
        """``<unlock>``."""
        return self._ok(self._dev.unlock, target)

    @contextlib.contextmanager
    def locked(self, target: str = "candidate") -> Iterator["Manager"]:
        """``with m.locked("candidate"):`` holds the lock for the block."""
        self.lock(target)
        try:
            yield self
        except BaseException:
            with contextlib.suppress(DevconfError):
                self.unlock(target)
            raise
        else:
            self.unlock(target)

    def commit(
        self,
        confirmed: bool = False,
        timeout: Optional[Union[int, str]] = None,
        persist: Optional[str] = None,
        persist_id: Optional[str] = None,
    ) -> RPCReply:
        """``<commit>``; ``timeout`` (seconds, int or str) with ``confirmed=True``."""
        return self._ok(self._dev.commit, confirmed=confirmed, timeout=timeout, persist=persist, persist_id=persist_id)

    def cancel_commit(self, persist_id: Optional[str] = None) -> RPCReply:
        """``<cancel-commit>``."""
        return self._ok(self._dev.cancel_commit, persist_id)

    def discard_changes(self) -> RPCReply:
        """``<discard-changes>``."""
        return self._ok(self._dev.discard_changes)

    def validate(self, source: Any = "candidate") -> RPCReply:
        """``<validate>`` of a datastore or a ``<config>`` element."""
        return self._ok(self._dev.validate, self._source(source))

    def get_schema(self, identifier: str, version: Optional[str] = None, format: Optional[str] = None) -> RPCReply:
        """``<get-schema>``; the schema text is ``reply.data``."""
        text, err = self._run(self._dev.get_schema, identifier, version, format)
        if err is not None:
            return GetReply("", errors=err.errors)
        return GetSchemaReply(text)

    def kill_session(self, session_id: Union[int, str]) -> RPCReply:
        """``<kill-session>``."""
        return self._ok(self._dev.kill_session, int(session_id))

    def dispatch(self, rpc_command: Any, source: Optional[str] = None, filter: Any = None) -> RPCReply:
        """Send any RPC given as XML text (or an element).

        ``source`` adds ``<source><NAME/></source>`` and ``filter`` a ``<filter>`` to it, as in
        ncclient. ``<get>`` and ``<get-config>`` of the NETCONF base namespace go through the
        dedicated operations (their filters and data are handled there).
        """
        text = _to_text(rpc_command, "rpc_command").strip()
        routed = self._route_base_rpc(text, source, filter)
        if routed is not None:
            return routed
        if source is not None or filter is not None:
            text = self._add_children(text, source, filter)
        out, err = self._run(self._dev.rpc, text, format="xml")
        if err is not None:
            return GetReply("", errors=err.errors)
        out = out.strip()
        if not out:
            return _ok_reply()
        if re.match(r"<data[\s>/]", out):
            return GetReply(out, data_xml=out)
        return GetReply(out, data_xml='<data xmlns="%s">%s</data>' % (_xml.NETCONF_BASE_NS, out))

    # ---- notifications (RFC 5277)

    def create_subscription(
        self,
        filter: Any = None,
        stream_name: Optional[str] = None,
        start_time: Optional[Any] = None,
        stop_time: Optional[Any] = None,
        *,
        queue: Optional[int] = None,
    ) -> RPCReply:
        """``<create-subscription>`` (ncclient's arguments): notifications are then read with
        :meth:`take_notification`.

        ``filter`` as for :meth:`get` (``("subtree", xml)``, ``("xpath", expr)``, a ``<filter>``);
        ``start_time``/``stop_time`` RFC 3339 text or aware datetimes (replay, needs :replay).
        ``queue`` (devconf's): notifications kept before newly arriving ones are dropped (default
        1024; :attr:`notifications_dropped` counts them). One subscription per session (RFC 5277).
        """
        if self._sub is not None:
            raise InvalidArgument(
                "this session already has a subscription (RFC 5277 allows one per session): open another "
                "session for another", code=_lib.EINVAL,
            )
        flt, ftype = self._filter(filter)
        sub, err = self._run(
            self._dev.subscribe, stream_name, flt, filter_type=ftype, start_time=start_time,
            stop_time=stop_time, format="xml", queue=queue,
        )
        if err is not None:
            return RPCReply("<ok/>", errors=err.errors)
        self._sub = sub
        return _ok_reply()

    def take_notification(self, block: bool = True, timeout: Optional[float] = None) -> Optional["Notification"]:
        """The next notification (ncclient's): ``block=False`` returns only what has arrived;
        ``timeout`` (seconds) bounds the wait; ``None`` when nothing came in time, when there is no
        subscription, or once it has ended."""
        sub = self._sub
        if sub is None:
            return None
        try:
            n = sub.next(0 if not block else timeout)
        except _DevconfTimeout:
            return None
        return Notification(n) if n is not None else None

    @property
    def notifications_dropped(self) -> int:
        """Notifications dropped because the subscription's queue was full (devconf's)."""
        return self._sub.dropped if self._sub is not None else 0

    def _route_base_rpc(self, text: str, source: Optional[str], filter: Any) -> Optional[RPCReply]:
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            return None
        base = "{%s}" % _xml.NETCONF_BASE_NS
        if root.tag not in (base + "get", base + "get-config"):
            return None
        w = _xml.split_wrapper(text, ("get", "get-config"))
        if w is None:
            return None
        src, flt, wd = source, filter, None
        for child in root:
            local = child.tag.rpartition("}")[2]
            if local == "source":
                if src is None and len(child):
                    src = child[0].tag.rpartition("}")[2]
            elif local == "filter":
                if flt is None:
                    fw = _xml.split_wrapper(_first_child_text(w.inner, "filter"), ("filter",))
                    if fw is None:
                        return None
                    if (fw.attr("type") or "subtree") == "xpath":
                        nsmap = dict(w.nsdecls)
                        nsmap.update(fw.nsdecls)
                        flt = ("xpath", (nsmap, fw.attr("select") or ""))
                    else:
                        flt = ("subtree", fw.inner)
            elif local == "with-defaults":
                wd = (child.text or "").strip() or None
            else:
                return None  # something this routing does not know: send it as it is
        if root.tag == base + "get":
            return self.get(flt, with_defaults=wd)
        return self.get_config(src or "running", flt, with_defaults=wd)

    def _add_children(self, text: str, source: Optional[str], filter: Any) -> str:
        extra = ""
        if source is not None:
            extra += '<source xmlns="%s"><%s/></source>' % (_xml.NETCONF_BASE_NS, source)
        if filter is not None:
            ftext, kind = self._filter(filter)
            if kind == "xpath":
                extra += '<filter xmlns="%s" type="xpath" select="%s"/>' % (
                    _xml.NETCONF_BASE_NS,
                    _xml.escape(ftext or "", attr=True),
                )
            else:
                extra += '<filter xmlns="%s" type="subtree">%s</filter>' % (_xml.NETCONF_BASE_NS, ftext or "")
        m = re.match(r"\s*<([^\s/>]+)([^>]*?)/>\s*$", text, re.S)
        if m:
            return "<%s%s>%s</%s>" % (m.group(1), m.group(2), extra, m.group(1))
        close = text.rfind("</")
        return text[:close] + extra + text[close:]

    def close_session(self) -> RPCReply:
        """Close the session (``<close-session>``)."""
        self._dev.close()
        return _ok_reply()

    # ---- context manager

    def __enter__(self) -> "Manager":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close_session()

    def __repr__(self) -> str:
        return "<devconf.manager.Manager %r>" % (self._dev,)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            "devconf.manager.Manager has no operation %r (vendor operations are not supported; "
            "use dispatch())" % name
        )


def _first_child_text(inner: str, local: str) -> str:
    """The text of the first element of ``inner`` with local name ``local`` (not nested in itself)."""
    m = re.search(r"<((?:[\w.\-]+:)?%s)(?=[\s>/])" % re.escape(local), inner)
    if not m:
        return ""
    start, qname = m.start(), m.group(1)
    selfclose = re.match(r"<[^>]*/>", inner[start:])
    opening = re.match(r"<[^>]*>", inner[start:])
    if selfclose and opening and selfclose.end() == opening.end():
        return selfclose.group(0)
    end = inner.find("</%s>" % qname, start)
    return inner[start : end + len(qname) + 3] if end >= 0 else ""


def _default_keys() -> List[str]:
    home = os.path.expanduser("~/.ssh")
    out = []
    for name in ("id_ed25519", "id_ecdsa", "id_rsa"):
        p = os.path.join(home, name)
        if os.access(p, os.R_OK):
            out.append(p)
    return out


_IGNORED_KW = {
    "ssh_config",
    "unknown_host_cb",
    "hostkey_b64",
    "sock_fd",
    "bind_addr",
    "gss_auth",
    "gss_kex",
    "gss_deleg_creds",
    "keepalive",
    "environment",
    "nc_params",
    "errors_params",
    "use_libssh",
    "huge_tree",
}


def connect(
    host: Optional[str] = None,
    port: int = 830,
    username: Optional[str] = None,
    password: Optional[str] = None,
    key_filename: Optional[Union[str, Sequence[str]]] = None,
    hostkey_verify: bool = True,
    look_for_keys: bool = True,
    allow_agent: bool = True,
    timeout: Optional[float] = None,
    known_hosts_file: Optional[str] = None,
    device_params: Optional[Dict[str, Any]] = None,
    **kw: Any,
) -> Manager:
    """Open a NETCONF-over-SSH session, ncclient style.

    Args:
        host, port: the device (port 830 by default).
        username, password: credentials; the password also answers a keyboard-interactive prompt.
        key_filename: a private key file, or a list of them (tried in order).
        hostkey_verify: check the host key against ``known_hosts_file`` (default
            ``~/.ssh/known_hosts``); False skips the check (logged as a warning: anyone on
            the path can impersonate the device).
        look_for_keys: also try ``~/.ssh/id_ed25519``, ``id_ecdsa`` and ``id_rsa``.
        allow_agent: also try the ssh-agent's keys.
        timeout: seconds for connecting (TCP, SSH, authentication, hello).
        known_hosts_file: the known_hosts file to check against.
        device_params: accepted for compatibility; only ``{"name": "default"}`` (or none)
            has an effect, other vendor handlers are ignored with a warning.

    devconf extras (keywords): ``passphrase`` (of the key), ``cache_dir``, ``search_dirs``,
    ``kbdint_handler``, ``hostkey_policy`` (overrides ``hostkey_verify``), ``manager_params``
    (``{"timeout": seconds}``: the RPC timeout, default 30).
    """
    if host is None:
        raise TypeError("connect() needs host=")
    passphrase = kw.pop("passphrase", None)
    cache_dir = kw.pop("cache_dir", None)
    search_dirs = kw.pop("search_dirs", None)
    kbdint_handler = kw.pop("kbdint_handler", None)
    policy = kw.pop("hostkey_policy", None)
    manager_params = kw.pop("manager_params", None) or {}
    for k in list(kw):
        if k in _IGNORED_KW:
            logger.debug("connect(%s=...) is an ncclient option devconf ignores", k)
            kw.pop(k)
    if kw:
        raise TypeError("connect() got unexpected keyword arguments: %s" % ", ".join(sorted(kw)))
    if device_params and str(device_params.get("name", "default")).lower() not in ("default", "", "none"):
        logger.warning(
            "device_params=%r: devconf has no vendor handlers; using the standard NETCONF behaviour",
            device_params,
        )
    if policy is None:
        if hostkey_verify:
            policy = "strict"
        else:
            policy = "insecure-skip"
            logger.warning(
                "hostkey_verify=False: the host key of %s is NOT checked; anyone on the path can "
                "impersonate the device",
                host,
            )
    known_hosts = os.path.expanduser(known_hosts_file) if known_hosts_file else None
    rpc_timeout = float(manager_params.get("timeout", 30))

    keys: List[Optional[str]] = []
    if isinstance(key_filename, (str, os.PathLike)):
        keys.append(os.path.expanduser(str(key_filename)))
    elif key_filename:
        keys.extend(os.path.expanduser(str(k)) for k in key_filename)
    if look_for_keys and not keys:
        keys.extend(_default_keys())
    # Without a key, or when every key fails, a last attempt with the password / agent only.
    if not keys or password is not None or allow_agent:
        keys.append(None)
    seen = set()
    attempts = [k for k in keys if not (k in seen or seen.add(k))]  # type: ignore[func-returns-value]

    hoststr = "[%s]" % host if ":" in host and not host.startswith("[") else host
    uri = "netconf://%s:%d" % (hoststr, int(port))
    last: Optional[DevconfError] = None
    for i, key in enumerate(attempts):
        try:
            dev = Device(
                uri,
                username=username,
                password=password,
                key_filename=key,
                passphrase=passphrase if key is not None else None,
                allow_agent=allow_agent,
                known_hosts=known_hosts,
                hostkey_policy=policy,
                connect_timeout=timeout,
                timeout=rpc_timeout,
                cache_dir=cache_dir,
                search_dirs=search_dirs,
                kbdint_handler=kbdint_handler,
            )
        except DevconfError as e:
            if e.code != _lib.EAUTH or i == len(attempts) - 1:
                raise
            logger.debug("authentication with key %s failed, trying the next method", key)
            last = e
            continue
        return Manager(dev, timeout=rpc_timeout)
    assert last is not None
    raise last


#: ncclient's name for SSH connections.
connect_ssh = connect
