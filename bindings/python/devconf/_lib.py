"""ctypes declarations of libdevconf: every public function, its argument and result types.

This module is the only one that touches ``ctypes`` function objects. It loads, in this order,
the file named by the environment variable ``DEVCONF_LIBRARY``; the ``libdevconf.so.0`` bundled
beside this module (the wheel); ``libdevconf.so.0`` through the normal dynamic loader path
(``LD_LIBRARY_PATH``, ``ldconfig``'s cache, the default directories). It checks the library's
version, and it declares ``argtypes``/``restype`` for every exported function.

Every ``int``-returning function that can fail gets ``errcheck=_check``: ctypes runs it right after
the foreign call, on the same OS thread, so ``devconf_error_last()`` (thread-local in C) still
describes that call when the exception is built.

``ctypes.CDLL`` releases the GIL for the duration of every foreign call, so network waits in one
thread do not block Python code in other threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_size_t,
    c_uint,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Any, List, Optional, Sequence, Tuple

#: Oldest library version this binding works with (MAJOR * 10000 + MINOR * 100 + MICRO).
MIN_VERSION_NUMBER = 100  # 0.1.0
MIN_VERSION = "0.2.0"

#: Name passed to the dynamic loader when ``DEVCONF_LIBRARY`` is not set.
SONAME = "libdevconf.so.0"


class LibraryNotFoundError(ImportError):
    """libdevconf cannot be loaded, or it is older than this binding needs."""


# ---------------------------------------------------------------------------------------------
# Handle types: each opaque C pointer type is its own c_void_p subclass, so ctypes refuses to
# pass a session where a context is expected.


class CtxP(c_void_p):
    """``devconf_ctx *``."""


class CallHomeP(c_void_p):
    """``devconf_callhome *`` (a call-home listener, RFC 8071)."""


class SessionP(c_void_p):
    """``devconf_session *``."""


class ErrorP(c_void_p):
    """``devconf_error *`` (owned copy or borrowed thread-local object)."""


class RpcErrorP(c_void_p):
    """``const devconf_rpc_error *`` (borrowed from its error object)."""


class TxnP(c_void_p):
    """``devconf_txn *``."""


class SubscriptionP(c_void_p):
    """``devconf_subscription *``."""


class NotificationP(c_void_p):
    """``devconf_notification *`` (owned from devconf_subscription_next, borrowed in a callback)."""


# ---------------------------------------------------------------------------------------------
# Enums (values from the C headers; append-only there).

OK = 0
ERROR = -1
EINVAL = -2
ENOMEM = -3
ENOTFOUND = -4
ETIMEOUT = -5
ECONNECT = -6
EAUTH = -7
EHOSTKEY = -8
EPROTO = -9
EYANG = -10
ERPC = -11
EUNSUPPORTED = -12
EUSER = -13
ECANCELED = -14

LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG = 0, 1, 2, 3

PROTO_NETCONF, PROTO_RESTCONF = 1, 2

HOSTKEY_STRICT, HOSTKEY_ACCEPT_NEW, HOSTKEY_INSECURE_SKIP = 0, 1, 2

DS_RUNNING, DS_CANDIDATE, DS_STARTUP, DS_CONFIG, DS_INTENDED, DS_OPERATIONAL = 1, 2, 3, 4, 5, 6
CONFIG_FILTER_ANY, CONFIG_FILTER_CONFIG, CONFIG_FILTER_NONCONFIG = 0, 1, 2

FORMAT_AUTO, FORMAT_XML, FORMAT_JSON = 0, 1, 2

FILTER_AUTO, FILTER_SUBTREE, FILTER_XPATH = 0, 1, 2

WD_DEVICE, WD_REPORT_ALL, WD_REPORT_ALL_TAGGED, WD_TRIM, WD_EXPLICIT = 0, 1, 2, 3, 4

EDIT_MERGE, EDIT_REPLACE, EDIT_NONE = 0, 1, 2

TEST_DEVICE, TEST_THEN_SET, TEST_SET, TEST_ONLY = 0, 1, 2, 3

ERROR_OPTION_DEVICE, ERROR_OPTION_STOP, ERROR_OPTION_CONTINUE, ERROR_OPTION_ROLLBACK = 0, 1, 2, 3

DIFF_UNIFIED, DIFF_EDIT_XML, DIFF_EDIT_JSON = 0, 1, 2

LOAD_MERGE, LOAD_REPLACE = 0, 1

TXN_LOCKED, TXN_STAGED, TXN_ATOMIC, TXN_AUTO_REVERT = 0x1, 0x2, 0x4, 0x8

# ---------------------------------------------------------------------------------------------
# Callback types.

#: ``void (*)(devconf_log_level, const char *origin, const char *msg, void *payload)``
LOG_CB = CFUNCTYPE(None, c_int, c_char_p, c_char_p, c_void_p)

#: ``int (*)(const char *name, const char *instruction, const char *prompt, int echo,
#: char *answer, size_t answer_size, void *payload)``; the answer buffer is a ``void *`` here so
#: ctypes hands over the address rather than a copied bytes object.
KBDINT_CB = CFUNCTYPE(c_int, c_char_p, c_char_p, c_char_p, c_int, c_void_p, c_size_t, c_void_p)

#: ``int (*)(void *payload)``: non-zero stops the call (DEVCONF_ECANCELED)
CANCEL_CB = CFUNCTYPE(c_int, c_void_p)


# ---------------------------------------------------------------------------------------------
# Options structs (version 1 layouts).


class SessionOptions(Structure):
    """``devconf_session_options`` (version 3 layout)."""

    VERSION = 3
    _fields_ = [
        ("version", c_uint),
        ("username", c_char_p),
        ("password", c_char_p),
        ("private_key", c_char_p),
        ("passphrase", c_char_p),
        ("use_agent", c_int),
        ("kbdint_cb", KBDINT_CB),
        ("kbdint_payload", c_void_p),
        ("known_hosts", c_char_p),
        ("hostkey_policy", c_int),
        ("connect_timeout_ms", c_int),
        ("rpc_timeout_ms", c_int),
        # version 2
        ("ca_file", c_char_p),
        ("client_cert", c_char_p),
        ("client_key", c_char_p),
        ("bearer_token", c_char_p),
        ("tls_insecure_skip_verify", c_int),
        # version 3
        ("max_reply_bytes", c_uint64),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]

    def __repr__(self) -> str:  # never show the secrets
        return "<devconf_session_options version=%d>" % self.version


class ReadOptions(Structure):
    """``devconf_read_options`` (version 4 layout)."""

    VERSION = 4
    _fields_ = [
        ("version", c_uint),
        ("filter_type", c_int),
        ("with_defaults", c_int),
        ("format", c_int),
        # version 2
        ("depth", c_uint),
        ("fields", c_char_p),
        # version 3
        ("device_text", c_int),
        # version 4
        ("timeout_ms", c_int),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


class GetDataOptions(Structure):
    """``devconf_get_data_options`` (version 1 layout; NMDA, RFC 8526)."""

    VERSION = 1
    _fields_ = [
        ("version", c_uint),
        ("filter_type", c_int),
        ("config_filter", c_int),
        ("origins", POINTER(c_char_p)),
        ("origin_count", c_size_t),
        ("negate_origins", c_int),
        ("max_depth", c_uint),
        ("with_origin", c_int),
        ("with_defaults", c_int),
        ("format", c_int),
        ("timeout_ms", c_int),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


class EditOptions(Structure):
    """``devconf_edit_options`` (version 3 layout)."""

    VERSION = 3
    _fields_ = [
        ("version", c_uint),
        ("default_operation", c_int),
        ("test_option", c_int),
        ("error_option", c_int),
        ("format", c_int),
        # version 2
        ("if_match", c_int),
        # version 3
        ("timeout_ms", c_int),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


class CommitOptions(Structure):
    """``devconf_commit_options`` (version 2)."""

    VERSION = 2
    _fields_ = [
        ("version", c_uint),
        ("confirmed", c_int),
        ("confirm_timeout", c_uint32),
        ("persist", c_char_p),
        ("persist_id", c_char_p),
        # version 2
        ("timeout_ms", c_int),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


FleetP = type("FleetP", (c_void_p,), {"__doc__": "``devconf_fleet *``"})
FleetResultP = type("FleetResultP", (c_void_p,), {"__doc__": "``const devconf_fleet_result *`` (borrowed)"})

#: ``void (*)(const devconf_fleet_result *r, void *payload)``
FLEET_RESULT_CB = CFUNCTYPE(None, FleetResultP, c_void_p)
#: ``void (*)(size_t done, size_t failed, size_t total, uint64_t bytes, void *payload)``
FLEET_PROGRESS_CB = CFUNCTYPE(None, c_size_t, c_size_t, c_size_t, c_uint64, c_void_p)
#: ``int (*)(devconf_session *s, const char *device, char **data, void *payload)``
FLEET_JOB_CB = CFUNCTYPE(c_int, c_void_p, c_char_p, POINTER(c_void_p), c_void_p)


class FleetOp(Structure):
    """``devconf_fleet_op`` (version 1)."""

    VERSION = 1
    _fields_ = [
        ("version", c_uint),
        ("kind", c_int),
        ("datastore", c_int),
        ("filter", c_char_p),
        ("payload", c_char_p),
        ("format", c_int),
        ("default_operation", c_int),
        ("confirm_seconds", c_uint32),
        ("dry_run", c_int),
        ("identifier", c_char_p),
        ("job", FLEET_JOB_CB),
        ("job_payload", c_void_p),
    ]


class FleetOptions(Structure):
    """``devconf_fleet_options`` (version 1)."""

    VERSION = 1
    _fields_ = [
        ("version", c_uint),
        ("forks", c_uint),
        ("device_timeout_ms", c_int),
        ("run_timeout_ms", c_int),
        ("connect_retries", c_uint),
        ("retry_backoff_ms", c_int),
        ("result_cb", FLEET_RESULT_CB),
        ("result_payload", c_void_p),
        ("progress_cb", FLEET_PROGRESS_CB),
        ("progress_payload", c_void_p),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


class FleetSummary(Structure):
    """``devconf_fleet_summary``."""

    _fields_ = [
        ("total", c_size_t),
        ("ok", c_size_t),
        ("failed", c_size_t),
        ("cancelled", c_size_t),
        ("timed_out", c_size_t),
        ("bytes", c_uint64),
        ("elapsed_ms", ctypes.c_int64),
    ]


class FleetTxnOptions(Structure):
    """``devconf_fleet_txn_options`` (version 1)."""

    VERSION = 1
    _fields_ = [
        ("version", c_uint),
        ("confirm_seconds", c_uint32),
        ("weak", c_int),
        ("default_operation", c_int),
    ]


class CallOptions(Structure):
    """``devconf_call_options`` (version 1): a call's own timeout and cancel callback."""

    VERSION = 1
    _fields_ = [
        ("version", c_uint),
        ("timeout_ms", c_int),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


class RpcOptions(Structure):
    """``devconf_rpc_options`` (version 1)."""

    VERSION = 1
    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("timeout_ms", c_int),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


NOTIFICATION_CB = CFUNCTYPE(c_int, NotificationP, c_void_p)


class SubscribeOptions(Structure):
    """``devconf_subscribe_options`` (version 1)."""

    VERSION = 1
    _fields_ = [
        ("version", c_uint),
        ("stream", c_char_p),
        ("filter", c_char_p),
        ("filter_type", c_int),
        ("start_time", c_char_p),
        ("stop_time", c_char_p),
        ("format", c_int),
        ("queue_capacity", c_size_t),
        ("callback", NOTIFICATION_CB),
        ("callback_payload", c_void_p),
        ("timeout_ms", c_int),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


class TxnCommitOptions(Structure):
    """``devconf_txn_commit_options`` (version 1)."""

    VERSION = 1
    _fields_ = [
        ("version", c_uint),
        ("revert_seconds", c_uint32),
        ("persist", c_char_p),
        ("timeout_ms", c_int),
        ("cancel_cb", CANCEL_CB),
        ("cancel_payload", c_void_p),
    ]


# ---------------------------------------------------------------------------------------------
# Text helpers (the one str <-> C conversion pair).


def str2c(value: Optional[str], what: str = "argument") -> Optional[bytes]:
    """UTF-8 encode ``value`` for a ``const char *`` argument; ``None`` stays ``NULL``.

    A string holding a NUL character is refused: C would silently cut it there.
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        data = value.encode("utf-8")
    elif isinstance(value, os.PathLike):
        data = os.fsencode(value)
    else:
        raise TypeError("%s must be str, not %s" % (what, type(value).__name__))
    if b"\0" in data:
        raise ValueError("%s contains a NUL character" % what)
    return data


def c2str(value: Optional[bytes]) -> Optional[str]:
    """Decode a borrowed ``const char *`` result (``None`` for ``NULL``)."""
    if value is None:
        return None
    return value.decode("utf-8", errors="replace")


def take_string(ptr: c_void_p) -> str:
    """Copy a ``char *`` that the caller owns and release it with ``devconf_free()``."""
    if not ptr.value:
        return ""
    try:
        return ctypes.string_at(ptr.value).decode("utf-8", errors="replace")
    finally:
        lib.devconf_free(ptr)


# ---------------------------------------------------------------------------------------------
# Loading.


#: The library bundled inside the package (the wheel: site-packages/devconf/lib/libdevconf.so.0).
BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", SONAME)


def _load() -> ctypes.CDLL:
    path = os.environ.get("DEVCONF_LIBRARY")
    errors: List[str] = []
    if path:
        candidates = [path]
    else:
        candidates = [BUNDLED] if os.path.exists(BUNDLED) else []
        candidates.append(SONAME)
        found = ctypes.util.find_library("devconf")
        if found and found not in candidates:
            candidates.append(found)
    for name in candidates:
        try:
            return ctypes.CDLL(name)
        except OSError as e:
            errors.append(str(e))
    if path:
        hint = "DEVCONF_LIBRARY=%s cannot be loaded" % path
    else:
        hint = (
            "%s was not found: install the package with the library bundled (pip install libdevconf, "
            "a manylinux wheel), or build and install the C library (meson setup build && ninja -C build "
            "install; then ldconfig, or LD_LIBRARY_PATH for a custom prefix), or set DEVCONF_LIBRARY to "
            "the path of libdevconf.so.0" % SONAME
        )
    raise LibraryNotFoundError("devconf: %s (%s)" % (hint, "; ".join(errors)), name="devconf")


lib = _load()


# ---------------------------------------------------------------------------------------------
# Error check. The exception classes live in errors.py; it imports nothing from here at module
# level except through from_last_error(), so there is no import cycle at run time.


def _check(result: int, func: Any, args: Tuple[Any, ...]) -> int:
    """``errcheck`` for int-returning calls: raise the matching DevconfError on a negative code."""
    if result < 0:
        from .errors import error_from_last  # local import: errors.py imports this module

        raise error_from_last(result, getattr(func, "__name__", "devconf"))
    return result


# name, restype, argtypes, checked (errcheck=_check)
_FUNCTIONS: Sequence[Tuple[str, Any, Sequence[Any], bool]] = (
    # version.h
    ("devconf_version", c_char_p, (), False),
    ("devconf_version_number", c_int, (), False),
    # error.h
    ("devconf_strerror", c_char_p, (c_int,), False),
    ("devconf_error_last", ErrorP, (), False),
    ("devconf_error_dup", c_int, (POINTER(ErrorP), ErrorP), False),  # read inside _check itself
    ("devconf_error_free", None, (ErrorP,), False),
    ("devconf_error_code", c_int, (ErrorP,), False),
    ("devconf_error_message", c_char_p, (ErrorP,), False),
    ("devconf_error_origin", c_int, (ErrorP,), False),
    ("devconf_origin_name", c_char_p, (c_int,), False),
    ("devconf_error_http_status", c_int, (ErrorP,), False),
    ("devconf_error_rpc_error_count", c_size_t, (ErrorP,), False),
    ("devconf_error_rpc_error", RpcErrorP, (ErrorP, c_size_t), False),
    ("devconf_rpc_error_type", c_char_p, (RpcErrorP,), False),
    ("devconf_rpc_error_tag", c_char_p, (RpcErrorP,), False),
    ("devconf_rpc_error_severity", c_char_p, (RpcErrorP,), False),
    ("devconf_rpc_error_app_tag", c_char_p, (RpcErrorP,), False),
    ("devconf_rpc_error_path", c_char_p, (RpcErrorP,), False),
    ("devconf_rpc_error_message", c_char_p, (RpcErrorP,), False),
    ("devconf_rpc_error_lang", c_char_p, (RpcErrorP,), False),
    ("devconf_rpc_error_info_xml", c_char_p, (RpcErrorP,), False),
    # log.h
    ("devconf_log_level_name", c_char_p, (c_int,), False),
    # ctx.h
    ("devconf_init", c_int, (), True),
    ("devconf_deinit", c_int, (), True),
    ("devconf_thread_cleanup", None, (), False),
    ("devconf_free", None, (c_void_p,), False),
    ("devconf_ctx_new", c_int, (POINTER(CtxP),), True),
    ("devconf_ctx_free", None, (CtxP,), False),
    ("devconf_ctx_add_search_dir", c_int, (CtxP, c_char_p), True),
    ("devconf_ctx_set_cache_dir", c_int, (CtxP, c_char_p), True),
    ("devconf_ctx_cache_dir", c_char_p, (CtxP,), False),
    ("devconf_ctx_set_log_callback", None, (CtxP, c_int, LOG_CB, c_void_p), False),
    ("devconf_ctx_set_schema_trust", c_int, (CtxP, c_int), True),
    # session.h
    ("devconf_session_options_init", c_int, (POINTER(SessionOptions), c_uint), True),
    ("devconf_session_open", c_int, (POINTER(SessionP), CtxP, c_char_p, POINTER(SessionOptions)), True),
    ("devconf_session_free", None, (SessionP,), False),
    ("devconf_session_protocol", c_int, (SessionP,), False),
    ("devconf_session_id", c_uint32, (SessionP,), False),
    ("devconf_session_host", c_char_p, (SessionP,), False),
    ("devconf_session_capability_count", c_size_t, (SessionP,), False),
    ("devconf_session_capability", c_char_p, (SessionP, c_size_t), False),
    ("devconf_session_has_capability", c_int, (SessionP, c_char_p), False),  # 0/1, never an error
    ("devconf_session_is_connected", c_int, (SessionP,), False),  # 0/1, never an error
    ("devconf_session_etag", c_char_p, (SessionP,), False),
    ("devconf_session_last_modified", c_char_p, (SessionP,), False),
    ("devconf_session_schema_id", c_char_p, (SessionP,), False),
    ("devconf_session_schema_requests", c_uint, (SessionP,), False),
    # ops.h
    ("devconf_datastore_name", c_char_p, (c_int,), False),
    ("devconf_call_options_init", c_int, (POINTER(CallOptions), c_uint), True),
    ("devconf_read_options_init", c_int, (POINTER(ReadOptions), c_uint), True),
    ("devconf_edit_options_init", c_int, (POINTER(EditOptions), c_uint), True),
    ("devconf_commit_options_init", c_int, (POINTER(CommitOptions), c_uint), True),
    ("devconf_rpc_options_init", c_int, (POINTER(RpcOptions), c_uint), True),
    ("devconf_get", c_int, (POINTER(c_void_p), SessionP, c_char_p, POINTER(ReadOptions)), True),
    ("devconf_get_config", c_int, (POINTER(c_void_p), SessionP, c_int, c_char_p, POINTER(ReadOptions)), True),
    ("devconf_edit_config", c_int, (SessionP, c_int, c_char_p, POINTER(EditOptions)), True),
    ("devconf_get_data_options_init", c_int, (POINTER(GetDataOptions), c_uint), True),
    ("devconf_get_data", c_int, (POINTER(c_void_p), SessionP, c_int, c_char_p, POINTER(GetDataOptions)), True),
    ("devconf_edit_data", c_int, (SessionP, c_int, c_char_p, POINTER(EditOptions)), True),
    ("devconf_commit", c_int, (SessionP, POINTER(CommitOptions)), True),
    ("devconf_cancel_commit", c_int, (SessionP, c_char_p, POINTER(CallOptions)), True),
    ("devconf_discard_changes", c_int, (SessionP, POINTER(CallOptions)), True),
    ("devconf_lock", c_int, (SessionP, c_int, POINTER(CallOptions)), True),
    ("devconf_unlock", c_int, (SessionP, c_int, POINTER(CallOptions)), True),
    ("devconf_validate", c_int, (SessionP, c_int, c_char_p, POINTER(CallOptions)), True),
    ("devconf_copy_config", c_int, (SessionP, c_int, c_int, c_char_p, POINTER(CallOptions)), True),
    ("devconf_delete_config", c_int, (SessionP, c_int, POINTER(CallOptions)), True),
    ("devconf_get_schema", c_int, (POINTER(c_void_p), SessionP, c_char_p, c_char_p, c_char_p, POINTER(CallOptions)), True),
    ("devconf_kill_session", c_int, (SessionP, c_uint32, POINTER(CallOptions)), True),
    ("devconf_partial_lock", c_int,
     (SessionP, POINTER(c_char_p), ctypes.c_size_t, POINTER(c_uint32), POINTER(CallOptions)), True),
    ("devconf_partial_unlock", c_int, (SessionP, c_uint32, POINTER(CallOptions)), True),
    ("devconf_rpc", c_int, (POINTER(c_void_p), SessionP, c_char_p, POINTER(RpcOptions)), True),
    ("devconf_diff", c_int, (POINTER(c_void_p), SessionP, c_int, c_char_p, POINTER(EditOptions), c_int), True),
    ("devconf_dry_run", c_int, (SessionP, c_int, c_char_p, POINTER(EditOptions)), True),
    ("devconf_convert", c_int, (POINTER(c_void_p), SessionP, c_char_p, c_int), True),
    # txn.h
    ("devconf_txn_begin", c_int, (POINTER(TxnP), SessionP), True),
    ("devconf_txn_guarantees", c_uint, (TxnP,), False),
    ("devconf_txn_missing", c_char_p, (TxnP,), False),
    ("devconf_txn_load", c_int, (TxnP, c_char_p, c_int), True),
    ("devconf_txn_diff", c_int, (POINTER(c_void_p), TxnP, c_int), True),
    ("devconf_txn_commit", c_int, (TxnP, POINTER(TxnCommitOptions)), True),
    ("devconf_txn_confirm", c_int, (TxnP,), True),
    ("devconf_txn_rollback", c_int, (TxnP,), True),
    ("devconf_txn_free", None, (TxnP,), False),
    ("devconf_txn_commit_options_init", c_int, (POINTER(TxnCommitOptions), c_uint), True),
    # fleet.h
    ("devconf_fleet_new", c_int, (POINTER(FleetP), CtxP), True),
    ("devconf_fleet_free", None, (FleetP,), False),
    ("devconf_fleet_add", c_int, (FleetP, c_char_p, c_char_p, POINTER(SessionOptions), c_char_p), True),
    ("devconf_fleet_load_inventory", c_int, (FleetP, c_char_p), True),
    ("devconf_fleet_select", c_int, (FleetP, c_char_p), True),
    ("devconf_fleet_count", c_size_t, (FleetP,), False),
    ("devconf_fleet_device_name", c_char_p, (FleetP, c_size_t), False),
    ("devconf_fleet_device_uri", c_char_p, (FleetP, c_size_t), False),
    ("devconf_fleet_device_selected", c_int, (FleetP, c_size_t), False),
    ("devconf_fleet_options_init", c_int, (POINTER(FleetOptions), c_uint), True),
    ("devconf_fleet_run", c_int, (FleetP, POINTER(FleetOp), POINTER(FleetOptions), POINTER(FleetSummary)), False),
    ("devconf_fleet_txn_options_init", c_int, (POINTER(FleetTxnOptions), c_uint), True),
    ("devconf_fleet_transaction", c_int,
     (FleetP, c_char_p, POINTER(FleetTxnOptions), POINTER(FleetOptions), POINTER(FleetSummary)), False),
    ("devconf_fleet_result_device", c_char_p, (FleetResultP,), False),
    ("devconf_fleet_result_index", c_size_t, (FleetResultP,), False),
    ("devconf_fleet_result_uri", c_char_p, (FleetResultP,), False),
    ("devconf_fleet_result_code", c_int, (FleetResultP,), False),
    ("devconf_fleet_result_error", ErrorP, (FleetResultP,), False),
    ("devconf_fleet_result_data", c_char_p, (FleetResultP,), False),
    ("devconf_fleet_result_elapsed_ms", ctypes.c_int64, (FleetResultP,), False),
    ("devconf_fleet_result_attempts", c_uint, (FleetResultP,), False),
    ("devconf_fleet_result_txn_state", c_int, (FleetResultP,), False),
    # callhome.h (RFC 8071)
    ("devconf_callhome_listen", c_int, (POINTER(CallHomeP), CtxP, c_char_p, c_int, c_int), True),
    ("devconf_callhome_port", c_int, (CallHomeP,), False),
    ("devconf_callhome_accept", c_int, (POINTER(SessionP), CallHomeP, c_char_p, POINTER(SessionOptions), c_int), True),
    ("devconf_callhome_free", None, (CallHomeP,), False),
    # notify.h (devconf.notify: Device.subscribe() and its Subscription)
    ("devconf_subscribe_options_init", c_int, (POINTER(SubscribeOptions), c_uint), True),
    ("devconf_subscribe", c_int, (POINTER(SubscriptionP), SessionP, POINTER(SubscribeOptions)), True),
    ("devconf_subscription_next", c_int, (POINTER(NotificationP), SubscriptionP, c_int), True),
    ("devconf_subscription_dispatch", c_int, (SubscriptionP, c_int), True),
    ("devconf_subscription_dropped", c_uint64, (SubscriptionP,), False),
    ("devconf_subscription_received", c_uint64, (SubscriptionP,), False),
    ("devconf_subscription_rejected", c_uint64, (SubscriptionP,), False),
    ("devconf_subscription_id", c_uint32, (SubscriptionP,), False),
    ("devconf_subscription_free", None, (SubscriptionP,), False),
    ("devconf_notification_event_time", c_char_p, (NotificationP,), False),
    ("devconf_notification_name", c_char_p, (NotificationP,), False),
    ("devconf_notification_text", c_char_p, (NotificationP,), False),
    ("devconf_notification_dropped_before", c_uint64, (NotificationP,), False),
    ("devconf_notification_free", None, (NotificationP,), False),
)

#: Names of every declared function (the tests compare this with the library's symbol map).
DECLARED = frozenset(name for name, _, _, _ in _FUNCTIONS)


#: Functions added after the first 0.1.0 builds (with the version 2 option structs): the binding
#: works without them and reports the features they bring as unavailable.
OPTIONAL = frozenset(
    {
        "devconf_get_data_options_init",  # NMDA: a libdevconf without it raises UnsupportedError on use
        "devconf_get_data",
        "devconf_edit_data",
        "devconf_session_etag",
        "devconf_session_last_modified",
        "devconf_diff",
        "devconf_dry_run",
        "devconf_convert",
        "devconf_txn_begin",
        "devconf_txn_guarantees",
        "devconf_txn_missing",
        "devconf_txn_load",
        "devconf_txn_diff",
        "devconf_txn_commit",
        "devconf_txn_confirm",
        "devconf_txn_rollback",
        "devconf_txn_free",
        "devconf_ctx_set_schema_trust",
        "devconf_session_schema_id",
        "devconf_session_schema_requests",
        "devconf_subscribe_options_init",  # notifications
        "devconf_subscribe",
        "devconf_subscription_next",
        "devconf_subscription_dispatch",
        "devconf_subscription_dropped",
        "devconf_subscription_received",
        "devconf_subscription_rejected",
        "devconf_subscription_free",
        "devconf_notification_event_time",
        "devconf_notification_name",
        "devconf_notification_text",
        "devconf_notification_dropped_before",
        "devconf_notification_free",
        "devconf_callhome_listen",  # call home: a libdevconf without it raises UnsupportedError on use
        "devconf_callhome_port",
        "devconf_callhome_accept",
        "devconf_callhome_free",
        "devconf_subscription_id",  # RFC 8639
        "devconf_partial_lock",  # RFC 5717: Device.partial_lock()
        "devconf_partial_unlock",
    }
)


def has(name: str) -> bool:
    """Whether the loaded library exports ``name``."""
    return hasattr(lib, name)


def _declare() -> None:
    missing = []
    for name, restype, argtypes, checked in _FUNCTIONS:
        try:
            fn = getattr(lib, name)
        except AttributeError:
            if name not in OPTIONAL:
                missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = list(argtypes)
        if checked:
            fn.errcheck = _check
    if missing:
        raise LibraryNotFoundError(
            "devconf: the loaded library (%s) lacks %s: it is not libdevconf, or it is too old "
            "(this binding needs %s or later)" % (lib._name, ", ".join(missing), MIN_VERSION),
            name="devconf",
        )


def _check_version() -> None:
    try:
        fn = lib.devconf_version_number
    except AttributeError:
        raise LibraryNotFoundError(
            "devconf: %s does not export devconf_version_number(): it is not libdevconf" % lib._name,
            name="devconf",
        ) from None
    fn.restype = c_int
    fn.argtypes = []
    number = fn()
    if number < MIN_VERSION_NUMBER:
        raise LibraryNotFoundError(
            "devconf: the loaded libdevconf (%s) is version %d.%d.%d; this binding needs %s or later"
            % (lib._name, number // 10000, number // 100 % 100, number % 100, MIN_VERSION),
            name="devconf",
        )


_check_version()
_declare()

#: Option struct versions used (the binding needs libdevconf 0.2, which knows them all).
SESSION_OPTIONS_VERSION, READ_OPTIONS_VERSION, EDIT_OPTIONS_VERSION = (
    SessionOptions.VERSION, ReadOptions.VERSION, EditOptions.VERSION)

#: Reference taken on the library's global state at import (never dropped: sessions may be
#: finalised by the garbage collector until the process exits).
INIT_COUNT = lib.devconf_init()

# ---------------------------------------------------------------------------------------------
# Per-thread clean-up. libnetconf2 keeps per-thread state; a Python thread that used devconf
# releases it when it ends (the marker's finaliser runs on the dying thread itself; it does
# nothing when run elsewhere).

_tls = threading.local()
_main_ident = threading.main_thread().ident


class _ThreadMarker:
    __slots__ = ("ident",)

    def __init__(self) -> None:
        self.ident = threading.get_ident()

    def __del__(self) -> None:
        try:
            if self.ident == threading.get_ident() and self.ident != _main_ident:
                lib.devconf_thread_cleanup()
        except Exception:  # interpreter shutdown: nothing left to release
            pass


def note_thread() -> None:
    """Remember that the calling thread used devconf, so it is cleaned up when it ends."""
    if getattr(_tls, "marker", None) is None:
        _tls.marker = _ThreadMarker()


_malloc: Any = None


def libc_malloc() -> Any:
    """The C library's ``malloc`` (for strings handed to libdevconf, which releases them with ``free``)."""
    global _malloc
    if _malloc is None:
        fn = ctypes.CDLL(None).malloc
        fn.restype = c_void_p
        fn.argtypes = [c_size_t]
        _malloc = fn
    return _malloc


def version() -> str:
    """Version string of the loaded C library."""
    return c2str(lib.devconf_version()) or "?"


def version_number() -> int:
    """Version of the loaded C library as MAJOR * 10000 + MINOR * 100 + MICRO."""
    return int(lib.devconf_version_number())


def library_path() -> str:
    """What was handed to the dynamic loader (a path or the soname)."""
    return str(lib._name)


__all__ = [
    "CtxP",
    "SessionP",
    "ErrorP",
    "RpcErrorP",
    "TxnP",
    "LOG_CB",
    "KBDINT_CB",
    "SessionOptions",
    "ReadOptions",
    "GetDataOptions",
    "EditOptions",
    "CommitOptions",
    "CallOptions",
    "RpcOptions",
    "TxnCommitOptions",
    "CANCEL_CB",
    "FleetP",
    "FleetResultP",
    "FleetOp",
    "FleetOptions",
    "FleetSummary",
    "FleetTxnOptions",
    "FLEET_RESULT_CB",
    "FLEET_PROGRESS_CB",
    "FLEET_JOB_CB",
    "LibraryNotFoundError",
    "lib",
    "str2c",
    "c2str",
    "take_string",
    "note_thread",
    "version",
    "version_number",
    "library_path",
    "DECLARED",
]
