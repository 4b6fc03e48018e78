"""Nornir plugins: a ``devconf`` connection, tasks, and an inventory that reads devconf's YAML.

Registered through entry points when the package is installed (``nornir.plugins.connections``:
``devconf``; ``nornir.plugins.inventory``: ``DevconfInventory``)::

    from nornir import InitNornir
    from devconf.nornir import devconf_apply, devconf_get_config

    nr = InitNornir(runner={"plugin": "threaded", "options": {"num_workers": 50}},
                    inventory={"plugin": "DevconfInventory",
                               "options": {"inventory": "inventory.yaml"}})
    r = nr.run(task=devconf_get_config, filter="/ietf-interfaces:interfaces")
    r = nr.run(task=devconf_apply, config=change_xml, confirm=120)   # diff, confirmed commit, confirm
    print(r["core-1"][0].diff)

Tasks (each opens the host's ``devconf`` connection on first use; Nornir keeps it until
``nr.close_connections()`` or ``task.host.close_connections()``):

``devconf_get``, ``devconf_get_config``: ``result`` is the data (``format="xml"``, ``"json"`` or
``"dict"``). ``devconf_edit_config``, ``devconf_commit``, ``devconf_discard``, ``devconf_rpc``:
what the :class:`devconf.Device` methods do. ``devconf_apply``: the whole change in one task: a
transaction (lock where the device can, snapshot), load (``mode`` merge or replace), ``diff`` (the
result's ``diff``; ``changed`` is whether it is non-empty), then, unless ``dry_run``, a commit:
with ``confirm=SECONDS`` a confirmed commit, then ``verify(task, device)`` if given, then the
confirmation; a failure at any step rolls back (cancel-commit, or restore of the snapshot) and
fails the task.

Connection options (``connection_options: devconf: extras:`` in Nornir's own inventories, or the
settings of devconf's inventory file read by :class:`DevconfInventory`): ``uri``, ``private_key``
(or ``key_filename``), ``passphrase_env``, ``use_agent``, ``known_hosts``, ``host_key_policy``
(``strict``, ``accept-new``, ``insecure-skip``), ``timeout``, ``connect_timeout``,
``max_reply_bytes``, ``ca_file``, ``client_cert``, ``client_key``, ``bearer_token_env``, ``cache_dir``,
``search_dirs``. The platform
picks the protocol: ``restconf``, ``restconf+http`` or ``netconf+tls``, anything else NETCONF over SSH.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional

from nornir.core.inventory import (  # type: ignore[import-not-found]
    ConnectionOptions,
    Defaults,
    Group,
    Groups,
    Host,
    Hosts,
    Inventory,
    ParentGroups,
)
from nornir.core.task import Result, Task  # type: ignore[import-not-found]

from .device import Device, Payload, connect
from .errors import DevconfError

__all__ = [
    "CONNECTION_NAME",
    "Devconf",
    "DevconfInventory",
    "devconf_get",
    "devconf_get_config",
    "devconf_edit_config",
    "devconf_commit",
    "devconf_discard",
    "devconf_rpc",
    "devconf_apply",
]

#: The connection plugin's name (``task.host.get_connection("devconf", ...)``).
CONNECTION_NAME = "devconf"

_SCHEMES = {"restconf": "restconf", "restconf+http": "restconf+http", "netconf+tls": "netconf+tls"}


def _env(name: Optional[str], what: str, host: str) -> Optional[str]:
    if not name:
        return None
    value = os.environ.get(name)
    if value is None:
        raise DevconfError("%s: %s_env names %s, which is not set" % (host, what, name))
    return value


class Devconf:
    """The Nornir connection plugin: ``self.connection`` is a :class:`devconf.Device`."""

    connection: Optional[Device]

    def __init__(self) -> None:
        self.connection = None

    def open(
        self,
        hostname: Optional[str],
        username: Optional[str],
        password: Optional[str],
        port: Optional[int],
        platform: Optional[str],
        extras: Optional[Dict[str, Any]] = None,
        configuration: Any = None,
    ) -> None:
        x = dict(extras or {})
        uri = x.pop("uri", None)
        if not uri:
            if not hostname:
                raise DevconfError("devconf connection: the host has no hostname (and no uri in the extras)")
            scheme = _SCHEMES.get((platform or "").lower(), "netconf")
            h = "[%s]" % hostname if ":" in hostname and not hostname.startswith("[") else hostname
            uri = "%s://%s%s" % (scheme, h, ":%d" % int(port) if port else "")
        key = x.pop("private_key", None) or x.pop("key_filename", None)
        self.connection = connect(
            uri,
            username=username,
            password=password,
            key_filename=os.path.expanduser(key) if key else None,
            passphrase=_env(x.pop("passphrase_env", None), "passphrase", uri),
            allow_agent=bool(x.pop("use_agent", False)),
            known_hosts=os.path.expanduser(x["known_hosts"]) if x.get("known_hosts") else None,
            hostkey_policy=x.pop("host_key_policy", None) or x.pop("hostkey_policy", None) or "strict",
            connect_timeout=x.pop("connect_timeout", None),
            timeout=x.pop("timeout", None),
            max_reply_bytes=x.pop("max_reply_bytes", None),
            cache_dir=x.pop("cache_dir", None),
            search_dirs=x.pop("search_dirs", None),
            ca_file=x.pop("ca_file", None),
            client_cert=x.pop("client_cert", None),
            client_key=x.pop("client_key", None),
            bearer_token=_env(x.pop("bearer_token_env", None), "bearer_token", uri),
        )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _device(task: Task) -> Device:
    return task.host.get_connection(CONNECTION_NAME, task.nornir.config)


# --------------------------------------------------------------------------------- tasks


def devconf_get(task: Task, filter: Optional[str] = None, format: str = "xml", **kw: Any) -> Result:
    """``<get>``: configuration and state (arguments of :meth:`devconf.Device.get`)."""
    return Result(host=task.host, result=_device(task).get(filter, format=format, **kw))


def devconf_get_config(task: Task, source: str = "running", filter: Optional[str] = None, format: str = "xml",
                       **kw: Any) -> Result:
    """``<get-config>`` (arguments of :meth:`devconf.Device.get_config`)."""
    return Result(host=task.host, result=_device(task).get_config(source, filter, format=format, **kw))


def devconf_edit_config(task: Task, config: Payload, target: str = "candidate", **kw: Any) -> Result:
    """``<edit-config>`` (arguments of :meth:`devconf.Device.edit_config`); ``changed`` is True."""
    _device(task).edit_config(config, target, **kw)
    return Result(host=task.host, changed=True)


def devconf_commit(task: Task, confirmed: bool = False, timeout: Optional[int] = None,
                   persist: Optional[str] = None, persist_id: Optional[str] = None) -> Result:
    """``<commit>`` (arguments of :meth:`devconf.Device.commit`)."""
    _device(task).commit(confirmed=confirmed, timeout=timeout, persist=persist, persist_id=persist_id)
    return Result(host=task.host, changed=True)


def devconf_discard(task: Task) -> Result:
    """``<discard-changes>``."""
    _device(task).discard_changes()
    return Result(host=task.host)


def devconf_rpc(task: Task, rpc: Payload, format: Optional[str] = None) -> Result:
    """Any RPC or action; ``result`` is its output."""
    return Result(host=task.host, result=_device(task).rpc(rpc, format=format))


def devconf_apply(
    task: Task,
    config: Payload,
    mode: str = "merge",
    dry_run: bool = False,
    confirm: Optional[int] = None,
    verify: Optional[Callable[[Task, Device], Any]] = None,
) -> Result:
    """One change, start to end: load, diff, commit (confirmed when ``confirm`` is set), verify,
    confirm; rolled back on any failure after the commit. ``result`` and ``diff`` are the
    unified diff; ``changed`` is whether anything changed (False for ``dry_run``)."""
    dev = _device(task)
    with dev.transaction() as t:
        t.load(config, mode=mode)
        diff = t.diff()
        if dry_run or not diff:
            return Result(host=task.host, result=diff, diff=diff, changed=False)
        t.commit(revert_in=confirm)
        try:
            if verify is not None:
                verify(task, dev)
            if confirm is not None:
                t.confirm()
        except BaseException:
            t.rollback()
            raise
    return Result(host=task.host, result=diff, diff=diff, changed=True)


# ----------------------------------------------------------------------------- inventory

#: Settings of devconf's inventory that go into the ``devconf`` connection's extras.
_EXTRAS = ("uri", "private_key", "passphrase_env", "use_agent", "known_hosts", "host_key_policy", "ca_file",
           "client_cert", "client_key", "connect_timeout", "timeout", "max_reply_bytes", "bearer_token_env")
_BASE = ("hostname", "port", "username", "platform")


class DevconfInventory:
    """Nornir inventory plugin reading devconf's inventory file (the one ``devconf --inventory``
    and :meth:`devconf.Fleet.from_inventory` read): ``hosts``, ``groups`` and ``defaults`` in one
    YAML file, credentials by reference (``password_env`` is read here, in this process).

    Each host's settings are resolved as devconf resolves them (the host, then its groups in
    order, depth first, then the defaults) and its devconf-specific settings become the ``devconf``
    connection's extras. Options: ``inventory`` (the file), ``cache_dir``, ``search_dirs``.
    """

    def __init__(self, inventory: str = "inventory.yaml", cache_dir: Optional[str] = None,
                 search_dirs: Optional[List[str]] = None, encoding: str = "utf-8") -> None:
        self.path = os.path.expanduser(inventory)
        self.cache_dir = cache_dir
        self.search_dirs = search_dirs
        self.encoding = encoding

    def load(self) -> Inventory:
        import ruamel.yaml  # type: ignore[import-not-found]  # a dependency of nornir

        with open(self.path, encoding=self.encoding) as f:
            doc = ruamel.yaml.YAML(typ="safe").load(f) or {}
        hosts_d: Dict[str, Dict[str, Any]] = doc.get("hosts") or {}
        groups_d: Dict[str, Dict[str, Any]] = doc.get("groups") or {}
        defaults_d: Dict[str, Any] = doc.get("defaults") or {}

        def chain(entry: Dict[str, Any], seen: Optional[set] = None) -> List[Dict[str, Any]]:
            seen = seen or set()
            out = [entry]
            for g in entry.get("groups") or ():
                if g in seen:
                    continue
                if g not in groups_d:
                    raise DevconfError("%s: unknown group %s" % (self.path, g))
                seen.add(g)
                out.extend(chain(groups_d[g] or {}, seen))
            return out

        def lookup(entries: List[Dict[str, Any]], key: str) -> Any:
            for e in entries + [defaults_d]:
                if key in e and e[key] is not None:
                    return e[key]
            return None

        defaults = Defaults(data=dict(defaults_d.get("data") or {}))
        groups = Groups()
        for name, g in groups_d.items():
            g = g or {}
            groups[name] = Group(name=name, data=dict(g.get("data") or {}), defaults=defaults)
        for name, g in groups_d.items():
            groups[name].groups = ParentGroups([groups[p] for p in (g or {}).get("groups") or ()])
        hosts = Hosts()
        for name, h in hosts_d.items():
            h = h or {}
            entries = chain(h)
            extras = {k: lookup(entries, k) for k in _EXTRAS}
            extras = {k: v for k, v in extras.items() if v is not None}
            if self.cache_dir:
                extras["cache_dir"] = self.cache_dir
            if self.search_dirs:
                extras["search_dirs"] = list(self.search_dirs)
            base = {k: lookup(entries, k) for k in _BASE}
            data: Dict[str, Any] = {}
            for e in reversed(entries):  # data: the host's keys win over its groups'
                data.update(e.get("data") or {})
            hosts[name] = Host(
                name=name,
                hostname=base["hostname"],
                port=base["port"],
                username=base["username"],
                password=_env(lookup(entries, "password_env"), "password", name),
                platform=base["platform"],
                groups=ParentGroups([groups[g] for g in h.get("groups") or ()]),
                data=data,
                connection_options={CONNECTION_NAME: ConnectionOptions(extras=extras)},
                defaults=defaults,
            )
        return Inventory(hosts=hosts, groups=groups, defaults=defaults)
