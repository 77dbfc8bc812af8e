from __future__ import annotations

import json
import platform
import sys
from importlib.metadata import version

from jupyter_mlm.capture.environment import capture_environment, normalise_name


def test_environment_lists_python_machine_and_packages() -> None:
    env = capture_environment()
    assert env["python"] == {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
    }
    assert env["packages"]["pytest"] == version("pytest")
    assert env["packages"]["gitpython"] == version("gitpython")  # normalised from "GitPython"
    assert list(env["packages"]) == sorted(env["packages"])
    assert env["hostname"]
    assert env["user"]
    assert env["cpu_count"] >= 1
    assert env["memory_bytes"] > 0
    json.dumps(env)


def test_environment_is_cached_but_callers_get_their_own_copy() -> None:
    first = capture_environment()
    first["packages"]["pytest"] = "tampered"
    first["python"]["version"] = "tampered"
    second = capture_environment()
    assert second["packages"]["pytest"] == version("pytest")
    assert second["python"]["version"] == platform.python_version()


def test_normalise_name() -> None:
    assert normalise_name("GitPython") == "gitpython"
    assert normalise_name("Foo_Bar.baz--x") == "foo-bar-baz-x"
