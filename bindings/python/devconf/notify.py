"""Event notifications: :meth:`devconf.Device.subscribe` and the :class:`Subscription` it returns.

>>> with devconf.connect(uri, key_filename=key) as dev:                      # doctest: +SKIP
...     with dev.subscribe(format="json") as sub:
...         for n in sub:                                   # blocks; Ctrl-C works
...             print(n.event_time, n.name, n.data)
...             if n.dropped_before:
...                 print("lost", n.dropped_before, "before this one")

The C library keeps every notification the device sends, parsed against the session's schemas, in
a bounded queue that belongs to the subscription (``queue=``, default 1024). When it is full, newly
arriving notifications are dropped and counted (:attr:`Subscription.dropped`); the next one kept
says how many were lost just before it (:attr:`Notification.dropped_before`). Nothing here is
specific to a protocol: the same object serves NETCONF (RFC 5277) and RESTCONF event streams.

Threads and asyncio. A subscription may be read on one thread while its :class:`~devconf.Device`
is used on another (NETCONF :interleave): a read never takes the device's lock, so a
``get_config`` on the same device runs while another thread, or an ``async for`` loop, waits for
notifications. One reader at a time: reads of one subscription from several threads take turns.
Reads wait in slices of at most 0.2 s inside the C library (the GIL is released meanwhile), so
Ctrl-C, :meth:`Subscription.close` from another thread and the cancellation of an asyncio task
take effect within one slice. ``async for n in sub`` runs each slice on the thread pool of
:mod:`devconf.aio`: the event loop never blocks, and a notification that a cancelled wait took
after its task had gone is kept for the next read (nothing is lost to a cancellation).

Closing. :meth:`Subscription.close` (or leaving ``with``) may be called from any thread, also while
another thread waits in :meth:`Subscription.next` or a ``for`` loop: it marks the subscription
closed, waits for the reader's current slice to return (at most 0.2 s), then frees it; the waiting
reader returns ``None`` (its loop ends). Closing the device closes its subscriptions first.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as _dt
import json
import re
import threading
import time
from ctypes import byref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator, Dict, Iterator, Optional, Union

from . import _lib
from .errors import InvalidArgument
from .errors import TimeoutError as _Timeout

if TYPE_CHECKING:  # pragma: no cover
    from .device import Device

__all__ = ["Subscription", "Notification", "DEFAULT_QUEUE"]

#: Default capacity of a subscription's queue (notifications), as in the C library.
DEFAULT_QUEUE = 1024
#: Largest queue the C library accepts.
MAX_QUEUE = 1 << 24
#: Longest single wait inside the C library (seconds): the bound on how late a close, a Ctrl-C or
#: an asyncio cancellation is noticed.
SLICE = 0.2

_FORMATS = {"xml": _lib.FORMAT_XML, "json": _lib.FORMAT_JSON}
_RFC3339 = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$"
)

TimeLike = Union[str, _dt.datetime]


def parse_event_time(text: str) -> Optional[_dt.datetime]:
    """An RFC 3339 date-time as an aware :class:`datetime.datetime` (``None`` when it is not one).

    Fractions past microseconds are cut; a leap second (``:60``) becomes ``:59``.
    """
    m = _RFC3339.match(text or "")
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    frac = m.group(7)
    us = int((frac[1:] + "000000")[:6]) if frac else 0
    tz = m.group(8)
    if tz in ("Z", "z"):
        tzinfo = _dt.timezone.utc
    else:
        sign = -1 if tz[0] == "-" else 1
        tzinfo = _dt.timezone(sign * _dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])))
    try:
        return _dt.datetime(y, mo, d, h, mi, min(s, 59), us, tzinfo=tzinfo)
    except ValueError:
        return None


def _time_arg(value: Optional[TimeLike], what: str) -> Optional[bytes]:
    """An RFC 3339 text for the C options, from text (checked) or an aware datetime."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidArgument("%s must be timezone-aware (a naive datetime names no instant)" % what)
        text = value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            text += ".%06d" % value.microsecond
        return (text + "Z").encode()
    if not isinstance(value, str) or parse_event_time(value) is None:
        raise InvalidArgument(
            "%s must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z, or an aware datetime, not %r"
            % (what, value)
        )
    return value.encode()


@dataclass(frozen=True)
class Notification:
    """One event notification.

    Attributes:
        event_time: the RFC 3339 event time as the device sent it (text).
        name: ``"module:name"`` (``"ietf-netconf-notifications:netconf-config-change"``), or
            ``None`` for a notification the session's schemas do not describe (XML only: it is
            then given as the device sent it).
        text: the notification in the subscription's format: XML (the notification element,
            without the ``<notification>`` envelope and eventTime) or RFC 7951 JSON (one member,
            ``"module:name"``).
        format: ``"xml"`` or ``"json"``.
        dropped_before: notifications dropped (queue full) just before this one.
    """

    event_time: str
    name: Optional[str]
    text: str
    format: str
    dropped_before: int = 0

    @property
    def event_datetime(self) -> Optional[_dt.datetime]:
        """:attr:`event_time` as an aware :class:`datetime.datetime` (``None`` when malformed)."""
        return parse_event_time(self.event_time)

    @property
    def xml(self) -> Optional[str]:
        """The XML text (``None`` for a JSON subscription)."""
        return self.text if self.format == "xml" else None

    @property
    def data(self) -> Optional[Dict[str, Any]]:
        """The RFC 7951 JSON as a dict (``None`` for an XML subscription)."""
        return json.loads(self.text) if self.format == "json" and self.text.strip() else None

    @property
    def envelope_xml(self) -> str:
        """The notification in its RFC 5277 envelope with the eventTime (XML subscriptions)."""
        t = self.event_time.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return (
            '<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">'
            "<eventTime>%s</eventTime>%s</notification>" % (t, self.text if self.format == "xml" else "")
        )


def _take(n: _lib.NotificationP, fmt: str, owned: bool = True) -> Notification:
    lib = _lib.lib
    try:
        return Notification(
            event_time=_lib.c2str(lib.devconf_notification_event_time(n)) or "",
            name=_lib.c2str(lib.devconf_notification_name(n)),
            text=_lib.c2str(lib.devconf_notification_text(n)) or "",
            format=fmt,
            dropped_before=int(lib.devconf_notification_dropped_before(n)),
        )
    finally:
        if owned:
            lib.devconf_notification_free(n)


class Subscription:
    """A subscription to an event stream of one device (create it with :meth:`Device.subscribe`).

    Iterate it (``for n in sub``: blocks until the next notification; the loop ends when the
    subscription ends or is closed), or call :meth:`next` with a timeout; ``async for n in sub``
    in asyncio. Counters: :attr:`received`, :attr:`dropped`, :attr:`rejected`. Close it with
    :meth:`close` or ``with``; it must be closed before its device (closing the device does it).
    """

    def __init__(self, device: "Device", sub: _lib.SubscriptionP, fmt: str) -> None:
        self._device = device
        self._sub: Optional[_lib.SubscriptionP] = sub
        self._format = fmt
        self._closing = False
        self._ended = False
        self._pull = threading.Lock()  # one reader at a time; close waits for it
        self._state = threading.Lock()  # guards _sub against a concurrent free
        self._final = (0, 0, 0)  # counters kept at close
        # notifications a cancelled asyncio wait took after its task had gone: the next read's
        self._stash: "collections.deque[Notification]" = collections.deque()

    # ------------------------------------------------------------------ reading

    def _slice(self, seconds: float) -> "tuple[bool, Optional[Notification]]":
        """One bounded wait: (done, notification). done: a notification, or the end/close."""
        with self._pull:
            if self._closing or self._sub is None:
                return True, None
            if self._stash:
                return True, self._stash.popleft()
            if self._ended:
                return True, None
            _lib.note_thread()
            n = _lib.NotificationP()
            try:
                _lib.lib.devconf_subscription_next(byref(n), self._sub, int(seconds * 1000))
            except _Timeout:
                return False, None
            if not n:
                self._ended = True
                return True, None
            return True, _take(n, self._format)

    def next(self, timeout: Optional[float] = None) -> Optional[Notification]:
        """The next notification, waiting at most ``timeout`` seconds (``None``: as long as it takes).

        Returns ``None`` once the subscription has ended (its stop time passed) or was closed.

        Raises:
            devconf.TimeoutError: nothing arrived within ``timeout`` (the subscription goes on);
                also a :class:`TimeoutError` of the standard library.
            devconf.ConnectError, devconf.ProtocolError: the session ended or broke.
        """
        if timeout is not None:
            try:
                timeout = float(timeout)
            except (TypeError, ValueError):
                raise InvalidArgument("timeout must be a number of seconds, not %r" % (timeout,)) from None
            if timeout < 0:
                raise InvalidArgument("timeout must not be negative, not %r" % (timeout,))
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SLICE if deadline is None else min(SLICE, max(0.0, deadline - time.monotonic()))
            done, n = self._slice(left)
            if done:
                return n
            if deadline is not None and time.monotonic() >= deadline:
                raise _Timeout(
                    "no notification from %s within %g s" % (self._device.host, timeout), code=_lib.ETIMEOUT
                )

    def __iter__(self) -> Iterator[Notification]:
        return self

    def __next__(self) -> Notification:
        n = self.next()
        if n is None:
            raise StopIteration
        return n

    async def anext(self, timeout: Optional[float] = None) -> Optional[Notification]:
        """Coroutine of :meth:`next`: each wait slice runs on the :mod:`devconf.aio` thread pool."""
        from .aio import _executor  # late: devconf.aio imports devconf.device

        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + float(timeout)
        while True:
            left = SLICE if deadline is None else min(SLICE, max(0.0, deadline - loop.time()))
            cfut = _executor().submit(self._slice, left)
            try:
                done, n = await asyncio.wrap_future(cfut)
            except asyncio.CancelledError:
                # a slice already running finishes (at most SLICE): what it took is kept for the next read
                cfut.add_done_callback(self._keep)
                raise
            if done:
                return n
            if deadline is not None and loop.time() >= deadline:
                raise _Timeout(
                    "no notification from %s within %g s" % (self._device.host, timeout), code=_lib.ETIMEOUT
                )

    def _keep(self, fut: Any) -> None:
        if fut.cancelled() or fut.exception() is not None:
            return
        n = fut.result()[1]
        if n is not None:
            with self._pull:
                self._stash.append(n)

    def __aiter__(self) -> AsyncIterator[Notification]:
        return self

    async def __anext__(self) -> Notification:
        n = await self.anext()
        if n is None:
            raise StopAsyncIteration
        return n

    # ------------------------------------------------------------------ counters

    def _counter(self, fn: Any, index: int) -> int:
        with self._state:
            if self._sub is None:
                return self._final[index]
            return int(fn(self._sub))

    @property
    def received(self) -> int:
        """Notifications received from the device, kept or dropped."""
        return self._counter(_lib.lib.devconf_subscription_received, 0)

    @property
    def dropped(self) -> int:
        """Notifications dropped because the queue was full."""
        return self._counter(_lib.lib.devconf_subscription_dropped, 1)

    @property
    def rejected(self) -> int:
        """Notifications the schemas do not describe that could not be given in JSON (skipped)."""
        return self._counter(_lib.lib.devconf_subscription_rejected, 2)

    @property
    def format(self) -> str:
        """``"xml"`` or ``"json"``."""
        return self._format

    @property
    def device(self) -> "Device":
        """The device the subscription belongs to."""
        return self._device

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (or the device was closed)."""
        return self._sub is None or self._closing

    @property
    def ended(self) -> bool:
        """Whether the device ended the subscription (its stop time passed)."""
        return self._ended

    # ------------------------------------------------------------------ life cycle

    def close(self) -> None:
        """Stop the delivery and free the subscription. Idempotent; safe from any thread, also while
        another thread waits in :meth:`next` (it returns ``None`` within one wait slice)."""
        self._closing = True
        with self._pull:
            with self._state:
                if self._sub is None:
                    return
                lib = _lib.lib
                s, self._final = self._sub, (
                    int(lib.devconf_subscription_received(self._sub)),
                    int(lib.devconf_subscription_dropped(self._sub)),
                    int(lib.devconf_subscription_rejected(self._sub)),
                )
                self._sub = None
                lib.devconf_subscription_free(s)

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    async def __aenter__(self) -> "Subscription":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("devconf.Subscription cannot be pickled: it lives on an open session of this process")

    def __repr__(self) -> str:
        state = "closed" if self.closed else "ended" if self._ended else "open"
        return "<devconf.Subscription %s %s %s>" % (self._device.uri, self._format, state)


def subscribe(
    device: "Device",
    stream: Optional[str] = None,
    filter: Optional[Any] = None,
    *,
    filter_type: Optional[str] = None,
    start_time: Optional[TimeLike] = None,
    stop_time: Optional[TimeLike] = None,
    format: str = "xml",
    queue: Optional[int] = None,
) -> Subscription:
    """The implementation of :meth:`devconf.Device.subscribe` (see there)."""
    from .device import _FILTER_TYPES, _choice, _filter_arg, _need

    _need("devconf_subscribe", "subscribe()")
    fmt = _choice({"xml": "xml", "json": "json"}, format, "format")
    if queue is not None and (isinstance(queue, bool) or not isinstance(queue, int) or not 0 < queue <= MAX_QUEUE):
        raise InvalidArgument("queue must be a number of notifications from 1 to %d, not %r" % (MAX_QUEUE, queue))
    if stop_time is not None and start_time is None:
        raise InvalidArgument("stop_time needs start_time (RFC 5277 section 2.1.1: a stop time ends a replay)")
    o = _lib.SubscribeOptions()
    _lib.lib.devconf_subscribe_options_init(byref(o), _lib.SubscribeOptions.VERSION)
    keep = [
        _lib.str2c(stream, "stream"),
        _filter_arg(filter),
        _time_arg(start_time, "start_time"),
        _time_arg(stop_time, "stop_time"),
    ]
    o.stream, o.filter, o.start_time, o.stop_time = keep
    o.filter_type = _lib.FILTER_AUTO if filter_type is None else _choice(_FILTER_TYPES, filter_type, "filter_type")
    o.format = _FORMATS[fmt]
    o.queue_capacity = queue or 0
    sub = _lib.SubscriptionP()
    with device._lock:
        _lib.lib.devconf_subscribe(byref(sub), device._handle(), byref(device._fill(o)))
        s = Subscription(device, sub, fmt)
        device._subs.add(s)
    return s
