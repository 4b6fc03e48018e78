"""Fleets: one operation on many devices through libdevconf's fleet engine (``devconf_fleet_*``).

>>> import devconf
>>> fleet = devconf.Fleet.from_inventory("inventory.yaml", limit="group:core")  # doctest: +SKIP
>>> run = fleet.run("get_config", filter="/ietf-interfaces:interfaces", forks=50, progress=True)
>>> run.summary                                  # {'total': 100, 'ok': 99, 'failed': 1, ...}
>>> import pandas; pandas.DataFrame(run.records())   # one row a device
>>> fleet.transaction(payload, confirm_seconds=120)  # every device or none

The engine is C: a bounded pool of ``forks`` threads, each taking the next device (connect, run the
operation, close), per-device and whole-run deadlines, connect retries, results and progress
streamed as each device finishes. No Python thread per device; Python code runs only in the
callbacks (results, progress, and jobs of your own: ``fleet.run(my_job)`` calls
``my_job(device)`` with each device's open :class:`~devconf.Device`).

Inventories are the YAML the C library reads (hosts / groups / defaults, as Nornir and Ansible
have them; credentials only by reference: ``password_env``). A :class:`Fleet` pickles as what it
was built from (the inventory's text, the hosts added, the selection), never as a secret: that
is what a Dask or multiprocessing worker needs (:meth:`Fleet.shards`, :func:`run_shard`).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import threading
from ctypes import byref
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _lib
from . import log as _log
from .device import (
    _DATASTORES,
    _DEFAULT_OPS,
    _HOSTKEY,
    Device,
    Payload,
    _choice,
    _max_bytes,
    _ms,
    _payload_text,
)
from .errors import CallbackError, DevconfError, InvalidArgument, _rpc_entries, error_class, error_from_last

__all__ = ["Host", "Fleet", "FleetShard", "Result", "RunResult", "run_shard", "run_on_dask", "OPERATIONS"]

#: Operation names of :meth:`Fleet.run` (``-`` and ``_`` are the same) -> devconf_fleet_op_kind.
OPERATIONS: Dict[str, int] = {
    "connect": 0,
    "get": 1,
    "get_config": 2,
    "edit_config": 3,
    "edit": 3,
    "commit": 4,
    "discard": 5,
    "discard_changes": 5,
    "validate": 6,
    "rpc": 7,
    "diff": 8,
    "apply": 9,
    "get_schema": 11,
}
_CALLBACK = 10
_FORMATS = {"xml": _lib.FORMAT_XML, "json": _lib.FORMAT_JSON}
_WEAK = {"refuse": 0, "snapshot": 1}
_TXN_STATES = {0: None, 1: "committed", 2: "reverted", 3: "revert-failed"}
_PLATFORMS = {"netconf": "netconf", "netconf+ssh": "netconf", "netconf+tls": "netconf+tls", "restconf": "restconf",
              "restconf+http": "restconf+http"}


# ----------------------------------------------------------------------------------- hosts


@dataclass
class Host:
    """A device of a fleet: where it is and how to log in, with secrets by reference.

    ``password_env`` (``passphrase_env``, ``bearer_token_env``) names an environment variable
    read when the fleet is built, in the process that builds it: a pickled Host carries the
    name, never the secret. ``password=`` works in-process but such a Host refuses to be pickled.
    """

    name: str
    uri: Optional[str] = None
    hostname: Optional[str] = None
    port: Optional[int] = None
    platform: str = "netconf"
    username: Optional[str] = None
    password_env: Optional[str] = None
    key_filename: Optional[str] = None
    passphrase_env: Optional[str] = None
    known_hosts: Optional[str] = None
    hostkey_policy: str = "strict"
    connect_timeout: Optional[float] = None
    timeout: Optional[float] = None
    max_reply_bytes: Optional[int] = None
    groups: Sequence[str] = ()
    ca_file: Optional[str] = None
    client_cert: Optional[str] = None
    client_key: Optional[str] = None
    bearer_token_env: Optional[str] = None
    password: Optional[str] = field(default=None, repr=False, compare=False)

    def resolved_uri(self) -> str:
        """The device URI (``uri``, else built from platform, hostname and port)."""
        if self.uri:
            return self.uri
        if not self.hostname:
            raise InvalidArgument("host %s: give uri= or hostname=" % self.name)
        scheme = _PLATFORMS.get(self.platform.lower())
        if scheme is None:
            raise InvalidArgument("host %s: platform must be one of %s, not %r"
                                  % (self.name, ", ".join(sorted(_PLATFORMS)), self.platform))
        h = "[%s]" % self.hostname if ":" in self.hostname and not self.hostname.startswith("[") else self.hostname
        return "%s://%s%s" % (scheme, h, ":%d" % int(self.port) if self.port else "")

    def __getstate__(self) -> Dict[str, Any]:
        if self.password is not None:
            raise TypeError(
                "devconf.Host %s holds a password: refusing to pickle a secret. Use password_env= (the name "
                "of an environment variable set where the host is used)" % self.name
            )
        return dataclasses.asdict(self)

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _secret(self, direct: Optional[str], env: Optional[str], what: str) -> Optional[str]:
        if direct is not None:
            return direct
        if env is None:
            return None
        value = os.environ.get(env)
        if value is None:
            raise DevconfError(
                "host %s: %s_env names %s, which is not set in this process" % (self.name, what, env),
                code=_lib.ENOTFOUND,
            )
        return value


# --------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Result:
    """What one device's job did. Plain data: picklable, and :meth:`to_dict` is JSON-ready."""

    device: str
    uri: str
    ok: bool
    data: Optional[str] = None
    error: Optional[str] = None
    error_type: Optional[str] = None
    code: int = 0
    origin: Optional[str] = None
    rpc_errors: Tuple[Dict[str, Optional[str]], ...] = ()
    elapsed_ms: int = 0
    attempts: int = 0
    txn_state: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """A dict of plain values (``json.dumps`` and ``pandas.DataFrame`` take a list of them)."""
        d = dataclasses.asdict(self)
        d["rpc_errors"] = [dict(e) for e in self.rpc_errors]
        return d

    def raise_for_error(self) -> None:
        """Raise the devconf exception of a failed device (nothing when it succeeded)."""
        if not self.ok:
            raise error_class(self.code)(
                "%s: %s" % (self.device, self.error), code=self.code, origin=self.origin or "devconf"
            )


class RunResult(Sequence[Result]):
    """The results of a run, in the order devices finished, with the run's counts.

    A sequence of :class:`Result`; :attr:`summary` has ``total``, ``ok``, ``failed``,
    ``cancelled``, ``timed_out``, ``bytes`` and ``elapsed_ms``; :meth:`records` gives one dict a
    device. ``run["dev01"]`` is a device's result.
    """

    def __init__(self, results: Iterable[Result], summary: Dict[str, int], error: Optional[DevconfError] = None):
        self.results: List[Result] = list(results)
        self.summary: Dict[str, int] = dict(summary)
        self.error = error

    @classmethod
    def merge(cls, parts: Iterable["RunResult"]) -> "RunResult":
        """One result of several runs (shards): results concatenated, counts added, the longest time."""
        results: List[Result] = []
        summary: Dict[str, int] = {k: 0 for k in ("total", "ok", "failed", "cancelled", "timed_out", "bytes")}
        summary["elapsed_ms"] = 0
        error = None
        for p in parts:
            results.extend(p.results)
            for k in summary:
                summary[k] = max(summary[k], p.summary.get(k, 0)) if k == "elapsed_ms" else summary[k] + p.summary.get(k, 0)
            error = error or p.error
        return cls(results, summary, error)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            for r in self.results:
                if r.device == key:
                    return r
            raise KeyError(key)
        return self.results[key]

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    @property
    def ok(self) -> List[Result]:
        """Results of the devices that succeeded."""
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> List[Result]:
        """Results of the devices that failed."""
        return [r for r in self.results if not r.ok]

    def records(self) -> List[Dict[str, Any]]:
        """One plain dict a device (for ``json.dumps`` or ``pandas.DataFrame``)."""
        return [r.to_dict() for r in self.results]

    def data(self) -> Dict[str, Optional[str]]:
        """``{device: data}`` of the devices that succeeded."""
        return {r.device: r.data for r in self.results if r.ok}

    def raise_on_error(self) -> "RunResult":
        """Raise the run's error, or the first failed device's; return self when all succeeded."""
        if self.error is not None:
            raise self.error
        for r in self.results:
            r.raise_for_error()
        return self

    def __repr__(self) -> str:
        s = self.summary
        return "<devconf.RunResult %d devices: %d ok, %d failed>" % (s.get("total", 0), s.get("ok", 0), s.get("failed", 0))

    def __reduce__(self) -> Any:
        return (RunResult, (self.results, self.summary, self.error))


def _result_of(r: _lib.FleetResultP) -> Result:
    lib = _lib.lib
    code = int(lib.devconf_fleet_result_code(r))
    err = lib.devconf_fleet_result_error(r)
    message = origin = etype = None
    entries: Tuple[Dict[str, Optional[str]], ...] = ()
    if code < 0:
        etype = error_class(code).__name__
        if err:
            message = _lib.c2str(lib.devconf_error_message(err))
            origin = _lib.c2str(lib.devconf_origin_name(lib.devconf_error_origin(err)))
            entries = tuple(e.to_dict() for e in _rpc_entries(err))
        message = message or _lib.c2str(lib.devconf_strerror(code))
    return Result(
        device=_lib.c2str(lib.devconf_fleet_result_device(r)) or "",
        uri=_lib.c2str(lib.devconf_fleet_result_uri(r)) or "",
        ok=code == 0,
        data=_lib.c2str(lib.devconf_fleet_result_data(r)),
        error=message,
        error_type=etype,
        code=code,
        origin=origin,
        rpc_errors=entries,
        elapsed_ms=int(lib.devconf_fleet_result_elapsed_ms(r)),
        attempts=int(lib.devconf_fleet_result_attempts(r)),
        txn_state=_TXN_STATES.get(int(lib.devconf_fleet_result_txn_state(r))),
    )


# -------------------------------------------------------------------------------- progress

ProgressCallback = Callable[[int, int, int, int], Any]


def _progress_adapter(progress: Any, what: str) -> Tuple[Optional[ProgressCallback], Callable[[], None]]:
    """(callback(done, failed, total, bytes), close) for the ``progress=`` argument.

    ``True``: a tqdm bar when tqdm is installed, else one line on stderr at each tenth;
    a callable: called as ``progress(done, failed, total, bytes)``; an object with ``update``
    (a tqdm bar of your own): ``update(1)`` a device and its postfix set to the failures.
    """
    if progress is None or progress is False:
        return None, lambda: None
    if progress is True or (isinstance(progress, str) and progress == "auto"):
        try:
            from tqdm.auto import tqdm  # type: ignore[import-not-found]
        except ImportError:
            state = {"shown": -1}

            def plain(done: int, failed: int, total: int, nbytes: int) -> None:
                tenth = done * 10 // total if total else 10
                if tenth != state["shown"] or done == total:
                    state["shown"] = tenth
                    print("devconf %s: %d/%d devices, %d failed" % (what, done, total, failed), file=sys.stderr)

            return plain, lambda: None
        bar = tqdm(desc="devconf " + what, unit="device", total=None)
        return _tqdm_callback(bar), bar.close
    if hasattr(progress, "update"):
        return _tqdm_callback(progress), lambda: None
    if callable(progress):
        return progress, lambda: None
    raise TypeError("progress must be True, a callable or a tqdm bar, not %s" % type(progress).__name__)


def _tqdm_callback(bar: Any) -> ProgressCallback:
    def cb(done: int, failed: int, total: int, nbytes: int) -> None:
        if getattr(bar, "total", None) != total:
            bar.total = total
        bar.update(done - bar.n)
        if failed:
            bar.set_postfix(failed=failed, refresh=False)

    return cb


# ------------------------------------------------------------------------------------ runs


class _Run:
    """One call of devconf_fleet_run / devconf_fleet_transaction on a helper thread.

    The C call blocks until every device is done; it runs on its own thread so that the calling
    thread stays interruptible (Ctrl-C cancels the run) and asyncio can await it. Callbacks come
    from the engine's threads, one at a time.
    """

    def __init__(
        self,
        on_result: Optional[Callable[[Result], Any]],
        progress: Any,
        cancel: Any,
        what: str,
    ) -> None:
        self.results: List[Result] = []
        self.job_errors: Dict[str, str] = {}  # device -> what a Python job raised
        self.exc: Optional[BaseException] = None
        self.stop = threading.Event()
        self.done = threading.Event()
        self.on_result = on_result
        self.progress_cb, self.progress_close = _progress_adapter(progress, what)
        if cancel is None:
            self.user_cancel: Callable[[], bool] = lambda: False
        elif hasattr(cancel, "is_set"):
            self.user_cancel = cancel.is_set
        elif callable(cancel):
            self.user_cancel = cancel
        else:
            raise TypeError("cancel must be a threading.Event or a callable, not %s" % type(cancel).__name__)
        self.rc = 0
        self.error: Optional[DevconfError] = None
        self.summary = _lib.FleetSummary()
        # the ctypes callbacks, kept alive for the run
        self._result_c = _lib.FLEET_RESULT_CB(self._on_result)
        self._progress_c = _lib.FLEET_PROGRESS_CB(self._on_progress)
        self._cancel_c = _lib.CANCEL_CB(self._on_cancel)

    def _fail(self, e: BaseException) -> None:
        if self.exc is None:
            self.exc = e
        self.stop.set()

    def _on_result(self, r: Any, payload: Any) -> None:
        try:
            res = _result_of(r if isinstance(r, _lib.FleetResultP) else _lib.FleetResultP(r))
            jerr = self.job_errors.pop(res.device, None)
            if jerr is not None and not res.ok:
                res = dataclasses.replace(res, error=jerr, error_type=jerr.split(":", 1)[0], origin="python")
            self.results.append(res)
            if self.on_result is not None:
                self.on_result(res)
        except BaseException as e:  # noqa: BLE001 - re-raised after the run; the run is stopped
            self._fail(e)

    def _on_progress(self, done: int, failed: int, total: int, nbytes: int, payload: Any) -> None:
        if self.progress_cb is None:
            return
        try:
            self.progress_cb(int(done), int(failed), int(total), int(nbytes))
        except BaseException as e:  # noqa: BLE001
            self._fail(e)

    def _on_cancel(self, payload: Any) -> int:
        try:
            if self.stop.is_set() or self.user_cancel():
                return 1
            return 0
        except BaseException as e:  # noqa: BLE001
            self._fail(e)
            return 1

    def options(self, forks: Optional[int], device_timeout: Optional[float], run_timeout: Optional[float],
                connect_retries: int, retry_backoff: Optional[float]) -> _lib.FleetOptions:
        o = _lib.FleetOptions()
        _lib.lib.devconf_fleet_options_init(byref(o), _lib.FleetOptions.VERSION)
        if forks is not None:
            if int(forks) < 1:
                raise InvalidArgument("forks must be 1 or more, not %r" % (forks,))
            o.forks = int(forks)
        o.device_timeout_ms = _ms(device_timeout, "device_timeout")
        o.run_timeout_ms = _ms(run_timeout, "run_timeout")
        if int(connect_retries) < 0:
            raise InvalidArgument("connect_retries must be 0 or more")
        o.connect_retries = int(connect_retries)
        o.retry_backoff_ms = _ms(retry_backoff, "retry_backoff")
        o.result_cb = self._result_c
        o.progress_cb = self._progress_c
        o.cancel_cb = self._cancel_c
        return o

    def start(self, call: Callable[[], int]) -> threading.Thread:
        def body() -> None:
            try:
                rc = call()
                self.rc = rc
                if rc < 0:
                    self.error = error_from_last(rc, "devconf_fleet")  # same thread as the call
            except BaseException as e:  # noqa: BLE001
                self._fail(e)
            finally:
                _lib.lib.devconf_thread_cleanup()
                self.done.set()

        t = threading.Thread(target=body, name="devconf-fleet", daemon=True)
        t.start()
        return t

    def wait(self) -> None:
        """Wait for the run; Ctrl-C (KeyboardInterrupt) cancels it, waits for the engine, re-raises."""
        try:
            while not self.done.wait(0.5):
                pass
        except BaseException:
            self.stop.set()
            self.done.wait()
            raise

    def finish(self) -> RunResult:
        self.progress_close()
        if self.exc is not None:
            if isinstance(self.exc, DevconfError) or not isinstance(self.exc, Exception):
                raise self.exc
            raise CallbackError("a fleet callback raised %s: %s" % (type(self.exc).__name__, self.exc),
                                code=_lib.EUSER) from self.exc
        s = self.summary
        summary = dict(total=int(s.total), ok=int(s.ok), failed=int(s.failed), cancelled=int(s.cancelled),
                       timed_out=int(s.timed_out), bytes=int(s.bytes), elapsed_ms=int(s.elapsed_ms))
        return RunResult(self.results, summary, self.error)


# ----------------------------------------------------------------------------------- fleet


class Fleet:
    """A set of devices and the operations that run on all of them (see the module docstring).

    Args:
        hosts: :class:`Host` objects, or ``(name, uri)`` pairs, or URIs (named by their position).
        inventory: an inventory file to load (same as :meth:`load_inventory`).
        limit: a selection (same as :meth:`select`).
        cache_dir, search_dirs: schema cache and YANG directories of every session (as for
            :func:`devconf.connect`).
        **defaults: settings of every host given as a tuple or URI (``username``, ``password_env``,
            ``key_filename``, ``known_hosts``, ``hostkey_policy``, ``timeout``...; see :class:`Host`).
    """

    def __init__(
        self,
        hosts: Iterable[Union[Host, Tuple[str, str], str]] = (),
        *,
        inventory: Optional[str] = None,
        limit: Optional[str] = None,
        cache_dir: Optional[str] = None,
        search_dirs: Optional[Sequence[str]] = None,
        **defaults: Any,
    ) -> None:
        self._lock = threading.Lock()
        self._fleet: Optional[_lib.FleetP] = None
        self._ctx: Optional[_lib.CtxP] = None
        self._inventories: List[Tuple[str, str]] = []  # (path as given, text)
        self._hosts: List[Host] = []
        self._limit: Optional[str] = None
        self._cache_dir = cache_dir
        self._search_dirs = tuple(search_dirs or ())
        self._log_cb: Any = None
        _lib.note_thread()
        ctx = _lib.CtxP()
        lib = _lib.lib
        try:
            lib.devconf_ctx_new(byref(ctx))
            self._ctx = ctx
            # one "connected" line a device would drown the run's own lines: those go to DEBUG
            self._log_cb = _log.make_callback("fleet", quiet_info=True)
            lib.devconf_ctx_set_log_callback(ctx, _log.c_level(), self._log_cb, None)
            if cache_dir is None:
                lib.devconf_ctx_set_cache_dir(ctx, lib.devconf_ctx_cache_dir(ctx))
            else:
                lib.devconf_ctx_set_cache_dir(ctx, _lib.str2c(str(cache_dir), "cache_dir"))
            for d in self._search_dirs:
                lib.devconf_ctx_add_search_dir(ctx, _lib.str2c(str(d), "search_dirs"))
            f = _lib.FleetP()
            lib.devconf_fleet_new(byref(f), ctx)
            self._fleet = f
            for i, h in enumerate(hosts):
                if isinstance(h, Host):
                    self.add(h)
                elif isinstance(h, str):
                    self.add(Host(name="dev%d" % (i + 1), uri=h, **defaults))
                else:
                    name, uri = h
                    self.add(Host(name=name, uri=uri, **defaults))
            if inventory is not None:
                self.load_inventory(inventory)
            if limit is not None:
                self.select(limit)
        except BaseException:
            self.close()
            raise

    # ---- building

    @classmethod
    def from_inventory(cls, path: Union[str, "os.PathLike[str]"], limit: Optional[str] = None, **kw: Any) -> "Fleet":
        """A fleet of the devices of an inventory file, optionally limited (see :meth:`select`)."""
        return cls(inventory=os.fspath(path), limit=limit, **kw)

    def _handle(self) -> _lib.FleetP:
        if self._fleet is None:
            raise InvalidArgument("the fleet is closed")
        return self._fleet

    def load_inventory(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Add the devices of an inventory file (YAML hosts / groups / defaults; see the C docs of
        ``devconf_fleet_load_inventory``: settings, and credentials only by reference)."""
        p = os.fspath(path)
        with open(p, "rb") as f:
            text = f.read().decode("utf-8")
        with self._lock:
            _lib.lib.devconf_fleet_load_inventory(self._handle(), _lib.str2c(p, "inventory"))
            self._inventories.append((p, text))

    def _load_inventory_text(self, path: str, text: str) -> None:
        fd, tmp = tempfile.mkstemp(prefix="devconf-inventory-", suffix=".yaml")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            with self._lock:
                _lib.lib.devconf_fleet_load_inventory(self._handle(), _lib.str2c(tmp, "inventory"))
                self._inventories.append((path, text))
        finally:
            os.unlink(tmp)

    def add(self, host: Union[Host, str], uri: Optional[str] = None, **kw: Any) -> None:
        """Add a device: a :class:`Host`, or ``add(name, uri, **host_settings)``."""
        if not isinstance(host, Host):
            host = Host(name=host, uri=uri, **kw)
        elif uri is not None or kw:
            raise TypeError("add(Host) takes no other arguments")
        opts = _lib.SessionOptions()
        lib = _lib.lib
        lib.devconf_session_options_init(byref(opts), _lib.SESSION_OPTIONS_VERSION)
        opts.username = _lib.str2c(host.username, "username")
        opts.private_key = _lib.str2c(host.key_filename, "key_filename")
        opts.known_hosts = _lib.str2c(host.known_hosts, "known_hosts")
        opts.hostkey_policy = _choice(_HOSTKEY, host.hostkey_policy, "hostkey_policy")
        opts.connect_timeout_ms = _ms(host.connect_timeout, "connect_timeout")
        opts.rpc_timeout_ms = _ms(host.timeout, "timeout")
        opts.max_reply_bytes = _max_bytes(host.max_reply_bytes, "max_reply_bytes")
        opts.ca_file = _lib.str2c(host.ca_file, "ca_file")
        opts.client_cert = _lib.str2c(host.client_cert, "client_cert")
        opts.client_key = _lib.str2c(host.client_key, "client_key")
        secrets = [
            _lib.str2c(host._secret(host.password, host.password_env, "password"), "password"),
            _lib.str2c(host._secret(None, host.passphrase_env, "passphrase"), "passphrase"),
            _lib.str2c(host._secret(None, host.bearer_token_env, "bearer_token"), "bearer_token"),
        ]
        bufs = [None if s is None else _lib.ctypes.create_string_buffer(s) for s in secrets]
        try:
            opts.password = None if bufs[0] is None else _lib.ctypes.cast(bufs[0], _lib.ctypes.c_char_p)
            opts.passphrase = None if bufs[1] is None else _lib.ctypes.cast(bufs[1], _lib.ctypes.c_char_p)
            opts.bearer_token = None if bufs[2] is None else _lib.ctypes.cast(bufs[2], _lib.ctypes.c_char_p)
            groups = ",".join(host.groups) if host.groups else None
            with self._lock:
                lib.devconf_fleet_add(self._handle(), _lib.str2c(host.name, "name"),
                                      _lib.str2c(host.resolved_uri(), "uri"), byref(opts),
                                      _lib.str2c(groups, "groups"))
            self._hosts.append(host)
        finally:
            for b in bufs:  # the C fleet keeps its own copy (zeroed when it is freed)
                if b is not None:
                    _lib.ctypes.memset(b, 0, len(b))
            opts.password = opts.passphrase = opts.bearer_token = None

    def select(self, expr: Optional[str] = None) -> int:
        """Select the devices later runs use: comma-separated names, globs (``core-*``),
        ``group:NAME``, ``all``; ``!term`` removes. ``None`` or ``""``: all. Returns the count."""
        with self._lock:
            n = _lib.lib.devconf_fleet_select(self._handle(), _lib.str2c(expr or "", "limit"))
        if n < 0:
            raise error_from_last(n, "devconf_fleet_select")
        self._limit = expr or None
        return int(n)

    # ---- what is in it

    def __len__(self) -> int:
        return int(_lib.lib.devconf_fleet_count(self._handle()))

    def names(self, selected: bool = True) -> List[str]:
        """Device names (of the selection, or all), in the order they were added."""
        f = self._handle()
        lib = _lib.lib
        return [
            _lib.c2str(lib.devconf_fleet_device_name(f, i)) or ""
            for i in range(lib.devconf_fleet_count(f))
            if not selected or lib.devconf_fleet_device_selected(f, i)
        ]

    def uris(self, selected: bool = True) -> Dict[str, str]:
        """``{name: uri}`` of the selection (or all)."""
        f = self._handle()
        lib = _lib.lib
        return {
            _lib.c2str(lib.devconf_fleet_device_name(f, i)) or "": _lib.c2str(lib.devconf_fleet_device_uri(f, i)) or ""
            for i in range(lib.devconf_fleet_count(f))
            if not selected or lib.devconf_fleet_device_selected(f, i)
        }

    # ---- runs

    def _op(self, operation: Any, filter: Optional[str], config: Optional[Payload], datastore: Optional[str],
            format: str, default_operation: Optional[str], confirm: Optional[int], dry_run: bool,
            identifier: Optional[str], keep: List[Any], job_errors: Dict[str, str]) -> _lib.FleetOp:
        op = _lib.FleetOp()
        op.version = _lib.FleetOp.VERSION
        if callable(operation):
            op.kind = _CALLBACK
            job = _job_adapter(operation, job_errors)
            keep.append(job)
            op.job = job
        else:
            key = str(operation).replace("-", "_").lower()
            if key not in OPERATIONS:
                raise InvalidArgument("operation must be a callable or one of %s, not %r"
                                      % (", ".join(sorted(OPERATIONS)), operation))
            op.kind = OPERATIONS[key]
        if datastore is not None:
            op.datastore = _choice(_DATASTORES, datastore, "datastore")
        if filter is not None:
            b = _lib.str2c(filter.strip(), "filter")
            keep.append(b)
            op.filter = b
        if config is not None:
            text, hint = _payload_text(config, "config", config=op.kind in (3, 8, 9))
            b = _lib.str2c(text, "config")
            keep.append(b)
            op.payload = b
        op.format = _choice(_FORMATS, format, "format")
        op.default_operation = _lib.EDIT_MERGE if default_operation is None else _choice(
            _DEFAULT_OPS, default_operation, "default_operation")
        if confirm is not None:
            if not 0 < int(confirm) <= 0xFFFFFFFF:
                raise InvalidArgument("confirm must be a positive number of seconds, not %r" % (confirm,))
            op.confirm_seconds = int(confirm)
        op.dry_run = 1 if dry_run else 0
        if identifier is not None:
            b = _lib.str2c(identifier, "identifier")
            keep.append(b)
            op.identifier = b
        return op

    def run(
        self,
        operation: Union[str, Callable[[Device], Any]],
        *,
        filter: Optional[str] = None,
        config: Optional[Payload] = None,
        datastore: Optional[str] = None,
        format: str = "xml",
        default_operation: Optional[str] = None,
        confirm: Optional[int] = None,
        dry_run: bool = False,
        identifier: Optional[str] = None,
        forks: Optional[int] = None,
        device_timeout: Optional[float] = None,
        run_timeout: Optional[float] = None,
        connect_retries: int = 0,
        retry_backoff: Optional[float] = None,
        progress: Any = None,
        on_result: Optional[Callable[[Result], Any]] = None,
        cancel: Any = None,
    ) -> RunResult:
        """Run one operation on every selected device; returns when all are done.

        Args:
            operation: ``"connect"``, ``"get"``, ``"get_config"``, ``"edit_config"``, ``"commit"``,
                ``"discard"``, ``"validate"``, ``"rpc"``, ``"diff"``, ``"apply"`` (a transaction on
                each device by itself: lock, load, diff, commit; ``confirm=`` seconds makes it a
                confirmed commit then confirmed; ``dry_run=True``: diff only), ``"get_schema"``;
                or a callable ``job(device) -> str | None`` run with each device's open
                :class:`~devconf.Device` (its return value is the result's data; an exception
                fails that device).
            filter: reads: XPath or subtree filter.
            config: edits, diffs, apply: the configuration (XML, JSON or a dict); rpc: the RPC.
            datastore: ``"running"``, ``"candidate"``, ``"startup"``; default: running for reads,
                candidate where the device has one else running for writes.
            format: ``"xml"`` or ``"json"`` for read results.
            forks: devices in progress at once (default 20).
            device_timeout, run_timeout: seconds for each device's whole job, and for the run.
            connect_retries, retry_backoff: extra connect attempts for unreachable devices and the
                first wait between them (seconds, doubled each time).
            progress: ``True`` (a tqdm bar when tqdm is installed, else lines on stderr), a
                callable ``progress(done, failed, total, bytes)``, or a tqdm bar of your own.
            on_result: called with each device's :class:`Result` as it finishes.
            cancel: a :class:`threading.Event` (or a callable returning True) that stops the run:
                devices not done fail with :class:`~devconf.Cancelled`. Ctrl-C does the same and
                re-raises KeyboardInterrupt once every device has stopped.

        Device failures are in the results, not raised (:meth:`RunResult.raise_on_error`); an
        argument the engine refuses raises before anything starts.
        """
        keep: List[Any] = []
        run = _Run(on_result, progress, cancel, "run")
        op = self._op(operation, filter, config, datastore, format, default_operation, confirm, dry_run,
                      identifier, keep, run.job_errors)
        opts = run.options(forks, device_timeout, run_timeout, connect_retries, retry_backoff)
        return self._execute(run, lambda: _lib.lib.devconf_fleet_run(self._handle(), byref(op), byref(opts),
                                                                       byref(run.summary)), keep,
                             getattr(operation, "__name__", None) or str(operation))

    def transaction(
        self,
        config: Payload,
        *,
        confirm_seconds: Optional[int] = None,
        weak: str = "refuse",
        default_operation: Optional[str] = None,
        forks: Optional[int] = None,
        device_timeout: Optional[float] = None,
        run_timeout: Optional[float] = None,
        connect_retries: int = 0,
        retry_backoff: Optional[float] = None,
        progress: Any = None,
        on_result: Optional[Callable[[Result], Any]] = None,
        cancel: Any = None,
        raise_on_error: bool = True,
    ) -> RunResult:
        """Change every selected device or none (``devconf_fleet_transaction``).

        Lock and load every candidate, validate, confirmed commit with one persist id everywhere
        (``confirm_seconds``, default 120: a client that dies leaves every device to revert by
        itself), then confirm everywhere. Any failure before the confirmation reverts every device
        touched. ``weak="refuse"`` (default) refuses the whole transaction when a device lacks
        candidate or confirmed-commit 1.1; ``"snapshot"`` accepts them with a snapshot restore.

        Raises the failure (the message names the device) with the per-device results as its
        ``results`` attribute (each with ``txn_state``: ``"committed"``, ``"reverted"``,
        ``"revert-failed"`` or None), unless ``raise_on_error=False``.
        """
        text, _ = _payload_text(config, "config", config=True)
        payload = _lib.str2c(text, "config")
        to = _lib.FleetTxnOptions()
        _lib.lib.devconf_fleet_txn_options_init(byref(to), _lib.FleetTxnOptions.VERSION)
        if confirm_seconds is not None:
            if not 0 < int(confirm_seconds) <= 0xFFFFFFFF:
                raise InvalidArgument("confirm_seconds must be a positive number of seconds")
            to.confirm_seconds = int(confirm_seconds)
        to.weak = _choice(_WEAK, weak, "weak")
        to.default_operation = _lib.EDIT_MERGE if default_operation is None else _choice(
            _DEFAULT_OPS, default_operation, "default_operation")
        run = _Run(on_result, progress, cancel, "transaction")
        opts = run.options(forks, device_timeout, run_timeout, connect_retries, retry_backoff)
        res = self._execute(run, lambda: _lib.lib.devconf_fleet_transaction(
            self._handle(), payload, byref(to), byref(opts), byref(run.summary)), [payload], "transaction")
        if raise_on_error and res.error is not None:
            res.error.results = res  # type: ignore[attr-defined]
            raise res.error
        return res

    def _execute(self, run: _Run, call: Callable[[], int], keep: List[Any], what: str) -> RunResult:
        with self._lock:
            self._refresh_log_level()
            n = len(self.names())
            _log.info("fleet", "fleet", "%s on %d devices", what, n)
            run.start(call)
            run.wait()
            res = run.finish()
        del keep
        s = res.summary
        _log.info("fleet", "fleet", "%s: %d ok, %d failed (%d cancelled, %d timed out) in %.1f s", what, s["ok"],
                  s["failed"], s["cancelled"], s["timed_out"], s["elapsed_ms"] / 1000.0)
        return res

    async def run_async(self, operation: Union[str, Callable[[Device], Any]], **kw: Any) -> RunResult:
        """:meth:`run` for asyncio: the engine runs on its own thread, the event loop stays free;
        cancelling the awaiting task cancels the run (every device stops) and re-raises."""
        import asyncio

        cancel = threading.Event()
        user = kw.pop("cancel", None)
        if user is not None:
            uc = user.is_set if hasattr(user, "is_set") else user
            kw["cancel"] = lambda: cancel.is_set() or uc()
        else:
            kw["cancel"] = cancel
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(None, lambda: self.run(operation, **kw))
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            cancel.set()
            try:
                await fut
            except BaseException:  # noqa: BLE001 - the run's own outcome; the task was cancelled
                pass
            raise

    def _refresh_log_level(self) -> None:
        if self._ctx is not None:
            _lib.lib.devconf_ctx_set_log_callback(self._ctx, _log.c_level(), self._log_cb, None)

    # ---- shipping to other processes

    def spec(self) -> "FleetShard":
        """What this fleet is built from (picklable; :meth:`FleetShard.fleet` rebuilds it)."""
        names = tuple(self.names()) if self._limit else None
        return FleetShard(tuple(self._inventories), tuple(self._hosts), names, self._cache_dir, self._search_dirs)

    def shards(self, n: int) -> List["FleetShard"]:
        """The selection cut into ``n`` picklable shards of about equal size (round robin), for
        workers of a Dask cluster or a process pool: each rebuilds its part (:func:`run_shard`)."""
        if int(n) < 1:
            raise InvalidArgument("shards: n must be 1 or more")
        names = self.names()
        parts = [tuple(names[i::n]) for i in range(int(n))]
        base = self.spec()
        return [dataclasses.replace(base, names=p) for p in parts if p]

    def __reduce__(self) -> Any:
        return (_fleet_from_shard, (self.spec(),))

    # ---- life cycle

    def close(self) -> None:
        """Free the fleet (the C fleet zeroes the secrets it copied). Idempotent."""
        lib = _lib.lib
        if getattr(self, "_fleet", None) is not None:
            f, self._fleet = self._fleet, None
            lib.devconf_fleet_free(f)
        if getattr(self, "_ctx", None) is not None:
            c, self._ctx = self._ctx, None
            lib.devconf_ctx_free(c)

    def __enter__(self) -> "Fleet":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        if self._fleet is None:
            return "<devconf.Fleet closed>"
        return "<devconf.Fleet %d devices, %d selected>" % (len(self), len(self.names()))


@dataclass(frozen=True)
class FleetShard:
    """A picklable description of (part of) a fleet: inventory texts, hosts, selected names.

    Holds no secret: inventories name environment variables, and :class:`Host` refuses to pickle
    a literal password. The worker that rebuilds it reads the variables from its own environment.
    """

    inventories: Tuple[Tuple[str, str], ...] = ()
    hosts: Tuple[Host, ...] = ()
    names: Optional[Tuple[str, ...]] = None
    cache_dir: Optional[str] = None
    search_dirs: Tuple[str, ...] = ()

    def fleet(self) -> Fleet:
        """Build the fleet (in the process that runs it)."""
        f = Fleet(self.hosts, cache_dir=self.cache_dir, search_dirs=self.search_dirs)
        try:
            for path, text in self.inventories:
                f._load_inventory_text(path, text)
            if self.names is not None:
                f.select(",".join(self.names))
        except BaseException:
            f.close()
            raise
        return f

    def run(self, operation: Any, **kw: Any) -> RunResult:
        """Build the fleet, run ``operation`` on it (:meth:`Fleet.run` arguments), free it."""
        with self.fleet() as f:
            return f.run(operation, **kw)

    def __len__(self) -> int:
        return len(self.names) if self.names is not None else -1


def _fleet_from_shard(shard: FleetShard) -> Fleet:
    return shard.fleet()


def run_shard(shard: FleetShard, operation: Any, **kw: Any) -> RunResult:
    """``shard.run(operation, **kw)`` as a plain function (for ``client.map`` / ``pool.map``)."""
    return shard.run(operation, **kw)


def _job_adapter(job: Callable[[Device], Any], errors: Dict[str, str]) -> Any:
    """A devconf_fleet_job_cb calling ``job(device)`` with a Device borrowing the open session."""
    libc_malloc = _lib.libc_malloc()

    def cb(session: Any, device: Optional[bytes], data: Any, payload: Any) -> int:
        name = _lib.c2str(device) or ""
        try:
            dev = Device._borrow(_lib.SessionP(session if isinstance(session, int) else session.value), name)
            try:
                out = job(dev)
            finally:
                dev._session = None
            if out is not None:
                b = str(out).encode("utf-8")
                p = libc_malloc(len(b) + 1)
                if not p:
                    return _lib.ENOMEM
                _lib.ctypes.memmove(p, b, len(b))
                _lib.ctypes.memset(p + len(b), 0, 1)
                data[0] = p
            return 0
        except DevconfError as e:
            errors[name] = "%s: %s" % (type(e).__name__, e)
            return int(e.code) if e.code < 0 else _lib.ERROR
        except BaseException as e:  # noqa: BLE001 - the device fails with EUSER; the run goes on
            errors[name] = "%s: %s" % (type(e).__name__, e)
            return _lib.EUSER

    return _lib.FLEET_JOB_CB(cb)


def run_on_dask(client: Any, fleet: Union[Fleet, Sequence[FleetShard]], operation: Any, *,
                shards: Optional[int] = None, **kw: Any) -> RunResult:
    """Run a fleet operation on a Dask cluster: the fleet cut into shards (one per worker by
    default), each shard rebuilt and run by the C engine inside a worker (``forks`` devices at
    once there), the results gathered here into one :class:`RunResult`.

    ``client`` is a ``dask.distributed.Client``. Workers need this package and the environment
    variables the inventory names (credentials never travel with the shards). Give a worker one
    thread (``threads_per_worker=1``): the C engine has its own pool.
    """
    if isinstance(fleet, Fleet):
        n = shards or max(1, len(client.scheduler_info().get("workers", {})))
        parts: Sequence[FleetShard] = fleet.shards(n)
    else:
        parts = list(fleet)
    futures = client.map(run_shard, parts, operation=operation, pure=False, **kw)
    return RunResult.merge(client.gather(futures))
