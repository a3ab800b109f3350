"""The arena cap: applied by the console entry point, measured in a real process by glibc's own report of its
heaps, and left alone where the user set it or the C library is not glibc."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

from evidence_tracer.cli import allocator, entry

GLIBC = sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "gnu_get_libc_version")

# Eight threads allocate at the same moment, then glibc describes its heaps (one <heap nr=...> per arena).
PROBE = """
import ctypes, sys, threading
from evidence_tracer.cli.allocator import cap_arenas
print(cap_arenas() if sys.argv[1] == "cap" else None, file=sys.stderr)
gate = threading.Barrier(8)
def work():
    gate.wait()
    held = [bytes(5000) for _ in range(100)]
    gate.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
out = libc.fopen(sys.argv[2].encode(), b"w")
libc.malloc_info(0, out)
libc.fclose(out)
"""


def heaps(mode: str, tmp_path: object, environment: dict[str, str]) -> tuple[int, str]:
    report = os.path.join(str(tmp_path), f"{mode}.xml")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, report], capture_output=True, text=True, check=True, env=environment
    )
    with open(report, encoding="utf-8") as f:
        return f.read().count("<heap nr="), done.stderr.strip()


@pytest.mark.skipif(not GLIBC, reason="glibc's arenas")
def test_the_cap_holds_eight_concurrent_threads_to_two_arenas(tmp_path: object) -> None:
    environment = {k: v for k, v in os.environ.items() if k != allocator.ENVIRONMENT_SETTING}
    uncapped, _ = heaps("none", tmp_path, environment)
    capped, applied = heaps("cap", tmp_path, environment)
    assert applied == "True"
    assert uncapped > allocator.DEFAULT_ARENAS, "without the cap the threads spread over more arenas"
    assert capped <= allocator.DEFAULT_ARENAS


@pytest.mark.skipif(not GLIBC, reason="glibc's arenas")
def test_a_users_own_setting_is_kept(tmp_path: object) -> None:
    environment = dict(os.environ, MALLOC_ARENA_MAX="8")
    count, applied = heaps("cap", tmp_path, environment)
    assert applied == "False"
    assert count > allocator.DEFAULT_ARENAS, "glibc read the user's 8, not the tool's 2"


def test_nothing_is_changed_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(allocator.ENVIRONMENT_SETTING, raising=False)
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: pytest.fail("the C library was not to be opened"))
    assert allocator.cap_arenas() is False


class NotGlibc:
    """A C library without glibc's version call (musl, say): mallopt there is not glibc's."""

    def mallopt(self, _option: int, _value: int) -> int:
        raise AssertionError("mallopt was not to be called")


def test_a_c_library_other_than_glibc_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(allocator.ENVIRONMENT_SETTING, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: NotGlibc())
    assert allocator.cap_arenas() is False


def test_a_c_library_that_cannot_be_opened_is_no_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_name: object) -> object:
        raise OSError("no libc here")

    monkeypatch.delenv(allocator.ENVIRONMENT_SETTING, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", refuse)
    assert allocator.cap_arenas() is False


def test_the_entry_point_caps_before_the_commands_but_not_for_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def cap() -> bool:
        calls.append("cap")
        return True

    monkeypatch.setattr(allocator, "cap_arenas", cap)
    entry.main(["version"])
    assert calls == []
    with pytest.raises(SystemExit) as ended:
        entry.main(["--help"])
    assert ended.value.code == 0
    assert calls == ["cap"]
