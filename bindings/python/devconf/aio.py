"""asyncio: every devconf operation as a coroutine.

>>> import asyncio, devconf.aio
>>> async def main(uris):                                        # doctest: +SKIP
...     async def one(uri):
...         async with await devconf.aio.connect(uri, password_env="NC_PASSWORD") as dev:
...             return await dev.get_config(filter="/ietf-interfaces:interfaces")
...     return await asyncio.gather(*(one(u) for u in uris))

How it runs: libdevconf's calls block, so each call runs on a worker thread of one bounded pool
shared by the whole process (:func:`set_max_threads`, default 64): 1,000 devices gathered at once
use 64 threads, never one per device or per call; the rest wait their turn in the pool's queue
without holding a thread. ctypes releases the GIL during every C call, so the threads run in
parallel and the event loop never blocks.

Cancellation really stops the wait: every call is made with a cancel callback that the C library
asks between network reads. Cancelling the task (``task.cancel()``, ``asyncio.wait_for``,
``asyncio.timeout``) makes the C call return within one read (nothing more is sent; a late reply
is skipped by its message-id, so the session stays usable), then the task raises
:class:`asyncio.CancelledError`. A call still queued is simply dropped. ``timeout=`` on a call
bounds that call in C (:class:`devconf.TimeoutError`).

For many devices at once, :meth:`devconf.Fleet.run_async` drives the C fleet engine (its own
bounded pool of ``forks``) from one thread and awaits it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
import threading
from typing import Any, Callable, Optional, TypeVar

from .device import Device, Transaction, call_control

__all__ = ["connect", "AsyncDevice", "AsyncTransaction", "set_max_threads", "max_threads"]

T = TypeVar("T")

_pool_lock = threading.Lock()
_pool: Optional[concurrent.futures.ThreadPoolExecutor] = None
_pool_pid = 0
_max_threads = 64


def set_max_threads(n: int) -> None:
    """Size of the pool that runs the C calls of every :class:`AsyncDevice` (default 64).

    Takes effect for calls submitted after it (a pool already running keeps its threads until
    its queued calls are done)."""
    global _max_threads, _pool
    if int(n) < 1:
        raise ValueError("max threads must be 1 or more")
    with _pool_lock:
        _max_threads = int(n)
        old, _pool = _pool, None
    if old is not None:
        old.shutdown(wait=False)


def max_threads() -> int:
    """The pool size (:func:`set_max_threads`)."""
    return _max_threads


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool, _pool_pid
    with _pool_lock:
        # a forked child has the pool object but none of its threads: start a new one
        if _pool is None or _pool_pid != os.getpid():
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=_max_threads, thread_name_prefix="devconf-aio")
            _pool_pid = os.getpid()
        return _pool


async def _run(fn: Callable[..., T], *args: Any, timeout: Optional[float] = None, **kw: Any) -> T:
    """Run ``fn(*args, **kw)`` on the pool, cancellable (see the module docstring)."""
    stop = threading.Event()

    def work() -> T:
        if stop.is_set():
            raise asyncio.CancelledError()
        with call_control(timeout=timeout, cancel=stop.is_set):
            return fn(*args, **kw)

    cfut = _executor().submit(work)
    afut = asyncio.wrap_future(cfut)
    try:
        return await asyncio.shield(afut)
    except asyncio.CancelledError:
        stop.set()
        if not cfut.cancel():  # already running: the C call stops at its next read
            try:
                await afut
            except BaseException:  # noqa: BLE001 - devconf.Cancelled, or what the call ended with
                pass
        raise


async def connect(uri: str, **kw: Any) -> "AsyncDevice":
    """Open a session (arguments of :func:`devconf.connect`); cancellable while connecting."""
    dev = await _run(functools.partial(Device, uri, **kw))
    return AsyncDevice(dev)


def _async_method(name: str, doc_of: Any) -> Any:
    async def method(self: "AsyncDevice", *args: Any, timeout: Optional[float] = None, **kw: Any) -> Any:
        return await _run(getattr(self._dev, name), *args, timeout=timeout, **kw)

    method.__name__ = name
    method.__qualname__ = "AsyncDevice." + name
    method.__doc__ = (
        "Coroutine of :meth:`devconf.Device.%s` (same arguments; ``timeout=`` seconds bounds this "
        "call).\n\n%s" % (name, getattr(doc_of, "__doc__", "") or "")
    )
    return method


class AsyncDevice:
    """A :class:`devconf.Device` whose operations are coroutines (create it with :func:`connect`).

    Every method of :class:`~devconf.Device` that talks to the device is a coroutine here, with
    the same arguments plus ``timeout=`` (seconds, this call's own bound). Properties
    (``capabilities``, ``session_id``, ``host``...) are plain attributes. One device runs one
    call at a time (calls made concurrently on it wait for each other); different devices run
    in parallel.
    """

    def __init__(self, device: Device) -> None:
        self._dev = device

    @property
    def sync(self) -> Device:
        """The synchronous :class:`~devconf.Device` underneath."""
        return self._dev

    def __getattr__(self, name: str) -> Any:
        # properties and non-blocking helpers of Device (capabilities, has_capability, uri...)
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._dev, name)

    async def close(self) -> None:
        """Close the session (``<close-session>``, bounded by the RPC timeout)."""
        await _run(self._dev.close)

    async def __aenter__(self) -> "AsyncDevice":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __reduce_ex__(self, protocol: Any) -> Any:
        return self._dev.__reduce_ex__(protocol)

    def __repr__(self) -> str:
        return "<devconf.aio.AsyncDevice %s>" % repr(self._dev)[1:-1]

    async def subscribe(self, *args: Any, timeout: Optional[float] = None, **kw: Any) -> Any:
        """Subscribe (:meth:`devconf.Device.subscribe`, same arguments; ``timeout=`` bounds the
        request). The :class:`~devconf.notify.Subscription` is read with ``async for n in sub``
        (or ``await sub.anext(timeout=)``) while this device goes on with other calls."""
        return await _run(self._dev.subscribe, *args, timeout=timeout, **kw)

    async def transaction(self) -> "AsyncTransaction":
        """Begin a transaction (:meth:`devconf.Device.transaction`)."""
        return AsyncTransaction(await _run(self._dev.transaction))

    for _name in (
        "get", "get_config", "get_data", "edit_config", "edit_data", "edit_diff", "dry_run", "convert", "commit", "confirm",
        "cancel_commit", "discard_changes", "lock", "unlock", "validate", "copy_config", "delete_config",
        "get_schema", "kill_session", "rpc", "load_merge_candidate", "load_replace_candidate",
        "compare_config", "diff", "commit_config", "confirm_commit", "discard_config", "rollback",
    ):
        locals()[_name] = _async_method(_name, getattr(Device, _name))
    del _name


class AsyncTransaction:
    """A :class:`devconf.Transaction` with coroutine methods; ``async with`` closes it."""

    def __init__(self, txn: Transaction) -> None:
        self._txn = txn

    @property
    def guarantees(self) -> "frozenset[str]":
        return self._txn.guarantees

    @property
    def missing(self) -> str:
        return self._txn.missing

    async def load(self, config: Any, mode: str = "merge") -> None:
        await _run(self._txn.load, config, mode)

    async def diff(self, output: str = "unified") -> str:
        return await _run(self._txn.diff, output)

    async def commit(self, revert_in: Optional[int] = None, *, timeout: Optional[float] = None) -> None:
        await _run(self._txn.commit, revert_in, timeout=timeout)

    async def confirm(self) -> None:
        await _run(self._txn.confirm)

    async def rollback(self) -> None:
        await _run(self._txn.rollback)

    async def close(self) -> None:
        await _run(self._txn.close)

    async def __aenter__(self) -> "AsyncTransaction":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

