"""devconf: configure network devices over NETCONF through one API (ctypes over libdevconf).

Quick start::

    import devconf
    with devconf.connect("netconf://admin@192.0.2.1", password="...",
                         known_hosts="~/.ssh/known_hosts") as dev:
        print(dev.get_config(filter="/ietf-interfaces:interfaces", format="json"))
        dev.edit_config(payload, target="candidate")
        print(dev.compare_config())
        dev.commit()

``devconf.manager`` speaks ncclient's dialect; :class:`Device` also has NAPALM-style verbs
(``load_merge_candidate``, ``compare_config``, ``commit_config``, ``rollback`` ...).

The C library is found through the dynamic loader (``libdevconf.so.0``) or the environment
variable ``DEVCONF_LIBRARY``. Log messages go to ``logging.getLogger("devconf")``.
"""

from __future__ import annotations

from . import _lib
from ._lib import LibraryNotFoundError
from .device import Device, KbdintHandler, Payload, Transaction, call_control, connect
from .errors import (
    AuthError,
    CallbackError,
    Cancelled,
    ConnectError,
    DevconfError,
    HostKeyError,
    InvalidArgument,
    NotFound,
    OutOfMemory,
    ProtocolError,
    RpcError,
    RpcErrorEntry,
    RpcFailed,
    TimeoutError,
    UnsupportedError,
    YangError,
    strerror,
)
from .fleet import Fleet, FleetShard, Host, Result, RunResult, run_on_dask, run_shard
from .log import logger
from .notify import Notification, Subscription

#: Version of this Python package.
__version__ = "0.2.0"

#: Version of the loaded C library ("MAJOR.MINOR.MICRO").
library_version: str = _lib.version()

#: Path or soname of the loaded C library.
library_path: str = _lib.library_path()

Session = Device  # the style guide's name

__all__ = [
    "__version__",
    "library_version",
    "library_path",
    "connect",
    "call_control",
    "Device",
    "Fleet",
    "FleetShard",
    "Host",
    "Result",
    "RunResult",
    "run_shard",
    "run_on_dask",
    "Session",
    "Transaction",
    "Subscription",
    "Notification",
    "Payload",
    "KbdintHandler",
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
    "RpcErrorEntry",
    "UnsupportedError",
    "CallbackError",
    "Cancelled",
    "LibraryNotFoundError",
    "strerror",
    "logger",
]
