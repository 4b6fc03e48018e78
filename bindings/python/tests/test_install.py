"""The package as users get it: every module in the wheel, the bundled library and CLI, the
`devconf` command, the Nornir entry points. The installed-package checks run when the suite tests
an installed wheel (DEVCONF_TEST_INSTALLED=1, scripts/python-ci.sh)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import devconf
from conftest import INSTALLED, PKG_ROOT, PY_PATH, REPO

installed_only = pytest.mark.skipif(not INSTALLED, reason="tests an installed wheel (scripts/python-ci.sh)")


def test_every_module_goes_into_the_wheel():
    listed = set(re.findall(r"'devconf/([\w.]+)'", (PKG_ROOT / "meson.build").read_text()))
    present = {p.name for p in (PKG_ROOT / "devconf").iterdir() if p.suffix in (".py", ".typed")}
    assert listed == present, "bindings/python/meson.build must list exactly the package's files"


def test_both_pyprojects_agree():
    import tomllib

    top = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    alone = tomllib.loads((PKG_ROOT / "pyproject.toml").read_text())["project"]
    assert top["name"] == alone["name"] == "libdevconf"
    assert top["entry-points"] == alone["entry-points"] and top["scripts"] == alone["scripts"]
    assert top["optional-dependencies"] == alone["optional-dependencies"]
    assert alone["version"] == devconf.__version__


@installed_only
def test_the_bundled_library_is_loaded():
    pkg = Path(devconf.__file__).resolve().parent
    assert devconf.library_path == str(pkg / "lib" / "libdevconf.so.0")
    assert "site-packages" in str(pkg) and str(PKG_ROOT) not in str(pkg)
    assert not os.environ.get("DEVCONF_LIBRARY") and not os.environ.get("LD_LIBRARY_PATH")
    maps = Path("/proc/self/maps").read_text()
    libs = {line.split()[-1] for line in maps.splitlines() if ".so" in line}
    assert any("libdevconf.libs/libyang-" in x for x in libs), "libyang comes from the wheel"
    assert not any(re.search(r"/usr/lib/.*/libyang\.so", x) for x in libs)


@installed_only
def test_the_devconf_command_is_the_cli():
    bindir = Path(sys.executable).parent
    out = subprocess.run([str(bindir / "devconf"), "--help"], capture_output=True, text=True, check=True,
                         env={"PATH": str(bindir) + ":/usr/bin:/bin"}).stdout
    assert "NETCONF and RESTCONF" in out and "--inventory" in out
    ver = subprocess.run([sys.executable, "-m", "devconf", "--version"], capture_output=True, text=True,
                         check=True, cwd="/").stdout.splitlines()
    assert ver == ["devconf %s (Python package; libdevconf %s, %s)" % (devconf.__version__, devconf.library_version,
                                                                          devconf.library_path),
                   "devconf %s" % devconf.library_version]


@installed_only
def test_nornir_finds_the_plugins_through_entry_points():
    from importlib.metadata import entry_points

    conns = {e.name: e.value for e in entry_points(group="nornir.plugins.connections")}
    invs = {e.name: e.value for e in entry_points(group="nornir.plugins.inventory")}
    assert conns["devconf"] == "devconf.nornir:Devconf"
    assert invs["DevconfInventory"] == "devconf.nornir:DevconfInventory"
    from nornir.core.plugins.connections import ConnectionPluginRegister

    ConnectionPluginRegister.auto_register()
    assert ConnectionPluginRegister.get_plugin("devconf").__name__ == "Devconf"


def test_python_path_for_children():
    out = subprocess.run([sys.executable, "-c", "import devconf; print(devconf.library_path)"],
                         capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=PY_PATH)).stdout
    assert out.strip() == devconf.library_path
