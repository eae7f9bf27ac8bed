"""The parse host: a single-threaded process that has imported the parsers and forks one child
per parse, so each parse runs under its own time and address-space limits at the cost of a
fork. `sandbox.py` starts it and talks to it over stdin/stdout with length-prefixed pickles.

    python -m crawler.extract.parsehost

It exits when its parent closes stdin (or dies), killing any parse still running.
"""

from __future__ import annotations

import gc
import importlib
import os
import pickle
import resource
import select
import signal
import struct
import sys
import time
from typing import Any, BinaryIO

from crawler.procs import die_with_parent

PRELOAD = ("crawler.extract.attachments", "crawler.extract.article", "lxml.html", "openpyxl", "docx",
           "pdfplumber", "xlrd")
_LEN = struct.Struct("!Q")


def write_frame(stream: BinaryIO | int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    frame = _LEN.pack(len(data)) + data
    if isinstance(stream, int):
        view = memoryview(frame)
        while view:
            view = view[os.write(stream, view):]
    else:
        stream.write(frame)
        stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    head = stream.read(_LEN.size)
    if len(head) < _LEN.size:
        raise EOFError
    size = _LEN.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _run_child(write_fd: int, module: str, name: str, args: tuple[Any, ...], memory: int, seconds: float) -> None:
    """In the forked child: limit, compute, report, exit without running any cleanup."""
    code = 0
    try:
        die_with_parent()
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(seconds) + 2  # a backstop: the host's wall clock kills it first
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        func = getattr(importlib.import_module(module), name)
        try:
            result: tuple[str, Any] = ("ok", func(*args))
        except MemoryError:
            result = ("memory", None)
        except RecursionError:
            result = ("error", "nested too deeply to read (recursion limit)")
        except BaseException as exc:
            result = ("error", f"{type(exc).__name__}: {exc}")
        try:
            write_frame(write_fd, result)
        except MemoryError:
            write_frame(write_fd, ("memory", None))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _collect(read_fd: int, pid: int, seconds: float) -> tuple[str, Any, int]:
    """Read the child's answer until EOF or the deadline (then kill it), with the child's peak
    resident memory in KB."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            _, _, usage = os.wait4(pid, 0)
            return ("timeout", None, usage.ru_maxrss)
        ready, _, _ = select.select([read_fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(read_fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    _, status, usage = os.wait4(pid, 0)
    data = b"".join(chunks)
    if len(data) >= _LEN.size:
        try:
            return (*pickle.loads(data[_LEN.size:]), usage.ru_maxrss)
        except Exception:
            pass
    if os.WIFSIGNALED(status):
        return ("died", f"killed by signal {os.WTERMSIG(status)}", usage.ru_maxrss)
    return ("died", f"exit code {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status}", usage.ru_maxrss)


def _warm() -> None:
    """Load once, in the host, what a first parse would load: every forked child then starts
    warm (the Chinese CMaps alone add about 250 ms to a child's PDF parse)."""
    from pdfminer.cmapdb import CMapDB

    for name in ("UniGB-UCS2-H", "UniGB-UTF16-H", "GBK-EUC-H"):
        CMapDB.get_cmap(name)
    CMapDB.get_unicode_map("Adobe-GB1")


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    for module in PRELOAD:
        importlib.import_module(module)
    _warm()
    gc.freeze()  # children never scan (and so never copy) what the host loaded
    while True:
        try:
            module, name, args, seconds, memory = read_frame(stdin)
        except EOFError:
            return
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _run_child(write_fd, module, name, args, memory, seconds)
        os.close(write_fd)
        try:
            answer = _collect(read_fd, pid, seconds)
        finally:
            os.close(read_fd)
        write_frame(stdout, answer)


if __name__ == "__main__":
    die_with_parent(int(os.environ.get("REGWATCH_PARENT_PID", "0")) or None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    frames = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print() in a parser must not corrupt the frames
    serve(sys.stdin.buffer, frames)
