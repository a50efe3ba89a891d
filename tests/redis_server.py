"""A Redis of the test's own, to pause, stop and bring back (the `own_redis` fixture).

It listens on 127.0.0.1 on a free port of SPASMINFO_TEST_REDIS_PORTS (default 18100-18199),
keeps its snapshot in a temporary folder, and is killed at the end of the test.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def _ports() -> range:
    low, high = os.environ.get("SPASMINFO_TEST_REDIS_PORTS", "18100-18199").split("-")
    return range(int(low), int(high) + 1)


def _free_port() -> int:
    for port in _ports():
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for a test Redis in SPASMINFO_TEST_REDIS_PORTS")


class RedisServer:
    def __init__(self):
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        self.folder = Path(tempfile.mkdtemp(prefix="spasminfo-redis-"))
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self) -> None:
        """Start it (again, from its snapshot in the folder if there is one)."""
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder)]
        self.process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while self.command("PING") != "+PONG":
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def command(self, *words: str) -> str:
        """One command, its first reply line ("" if it does not answer within a second)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall((f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)).encode())
                return sock.recv(1024).split(b"\r\n")[0].decode()
        except OSError:
            return ""

    def snapshot(self) -> None:
        """Write its data to disk (what it comes back with after `crash_and_restart`)."""
        assert self.command("SAVE") == "+OK"

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def crash_and_restart(self) -> None:
        """Killed as it is (paused or not), then started again from its last snapshot."""
        self.process.kill()
        self.process.wait()
        self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
