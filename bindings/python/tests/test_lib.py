"""The ctypes layer: loading, version check, declarations of every exported function."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import devconf
from devconf import _lib
from conftest import INSTALLED, LIBRARY, PY_PATH, REPO


def _exported_symbols():
    sym = REPO / "lib" / "devconf.sym"
    return set(re.findall(r"^\s+(devconf_\w+);", sym.read_text(), re.M))


def test_every_exported_function_is_declared():
    exported = _exported_symbols()
    assert exported, "lib/devconf.sym lists no symbols"
    assert exported - _lib.DECLARED == set(), "functions without ctypes declarations"
    assert _lib.DECLARED - exported == set(), "declarations of functions the library does not export"


def test_every_declaration_has_restype_and_argtypes():
    for name in _lib.DECLARED:
        fn = getattr(_lib.lib, name)
        assert fn.argtypes is not None, name
        # restype is explicit: c_int is ctypes' implicit default, so check it was assigned on purpose
        assert "restype" in dir(fn), name


def test_int_calls_that_can_fail_are_checked():
    checked = {n for n, _, _, c in _lib._FUNCTIONS if c}
    for name in checked:
        assert getattr(_lib.lib, name).errcheck is _lib._check, name
    # every int-returning function is either checked or documented as never failing
    unchecked_int = {n for n, r, _, c in _lib._FUNCTIONS if r is ctypes.c_int and not c}
    assert unchecked_int == {
        "devconf_version_number",
        "devconf_error_dup",
        "devconf_error_code",
        "devconf_error_origin",
        "devconf_error_http_status",
        "devconf_session_protocol",
        "devconf_session_has_capability",
        "devconf_session_is_connected",
        "devconf_callhome_port",
        # a fleet run's code is read after its results (a Python callback may have raised)
        "devconf_fleet_run",
        "devconf_fleet_transaction",
        "devconf_fleet_result_code",
        "devconf_fleet_result_txn_state",
        "devconf_fleet_device_selected",
    }


def test_handle_types_are_distinct():
    for a in (_lib.CtxP, _lib.SessionP, _lib.ErrorP, _lib.RpcErrorP):
        assert issubclass(a, ctypes.c_void_p)
    with pytest.raises(ctypes.ArgumentError):
        _lib.lib.devconf_session_id(_lib.CtxP())


def test_versions():
    assert devconf.__version__ == "0.2.0"
    assert re.fullmatch(r"\d+\.\d+\.\d+", devconf.library_version)
    assert _lib.version_number() >= _lib.MIN_VERSION_NUMBER
    assert devconf.library_path == LIBRARY


def test_python_m_devconf_version():
    out = subprocess.run(
        [sys.executable, "-m", "devconf", "--version"],
        capture_output=True,
        text=True,
        cwd=PY_PATH,
        check=True,
    ).stdout
    assert out.startswith("devconf 0.2.0 (Python package; libdevconf %s" % devconf.library_version)


def _import_in_subprocess(env_lib: str) -> subprocess.CompletedProcess:
    code = "import devconf"
    env = {"DEVCONF_LIBRARY": env_lib, "PATH": "/usr/bin:/bin", "PYTHONPATH": PY_PATH}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_missing_library_is_a_clear_import_error():
    r = _import_in_subprocess("/nonexistent/libdevconf.so.0")
    assert r.returncode != 0
    assert "LibraryNotFoundError" in r.stderr
    assert "DEVCONF_LIBRARY=/nonexistent/libdevconf.so.0 cannot be loaded" in r.stderr
    assert issubclass(devconf.LibraryNotFoundError, ImportError)


def _fake_library(tmp_path, body: str):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.fail("a C compiler is needed to build the fake libraries of this test")
    src = tmp_path / "fake.c"
    src.write_text(textwrap.dedent(body))
    so = tmp_path / "libfake.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(so), str(src)], check=True)
    return str(so)


def test_too_old_library_is_refused(tmp_path):
    so = _fake_library(tmp_path, "int devconf_version_number(void) { return 99; }\n")
    r = _import_in_subprocess(so)
    assert r.returncode != 0
    assert "is version 0.0.99; this binding needs 0.2.0 or later" in r.stderr


def test_library_lacking_functions_is_refused(tmp_path):
    so = _fake_library(tmp_path, "int devconf_version_number(void) { return 100; }\n")
    r = _import_in_subprocess(so)
    assert r.returncode != 0
    assert "lacks devconf_version" in r.stderr


def test_text_helpers():
    assert _lib.str2c(None) is None
    assert _lib.str2c("é") == "é".encode()
    with pytest.raises(ValueError, match="NUL"):
        _lib.str2c("a\0b", "filter")
    with pytest.raises(TypeError):
        _lib.str2c(3, "filter")  # type: ignore[arg-type]
    assert _lib.c2str(None) is None
    assert _lib.c2str(b"x") == "x"


def test_strerror_and_names():
    assert devconf.strerror(-5)
    assert _lib.c2str(_lib.lib.devconf_log_level_name(_lib.LOG_DEBUG)) == "debug"
    assert _lib.c2str(_lib.lib.devconf_datastore_name(_lib.DS_CANDIDATE)) == "candidate"
    assert _lib.c2str(_lib.lib.devconf_origin_name(1)) == "netconf"


def test_init_is_reference_counted():
    assert _lib.INIT_COUNT >= 1
    n = _lib.lib.devconf_init()
    assert n >= 2
    assert _lib.lib.devconf_deinit() == n - 1


def test_thread_cleanup_runs_on_thread_exit():
    import threading

    calls = []
    real = _lib.lib.devconf_thread_cleanup

    class Spy:
        def __call__(self):
            calls.append(threading.get_ident())
            real()

    def body():
        _lib.note_thread()

    t = threading.Thread(target=body)
    orig = _lib.lib.devconf_thread_cleanup
    try:
        _lib.lib.devconf_thread_cleanup = Spy()
        t.start()
        t.join()
    finally:
        _lib.lib.devconf_thread_cleanup = orig
    assert calls == [t.ident]
