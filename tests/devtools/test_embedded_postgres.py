"""The embedded PostgreSQL of `make run` and `make test`: it starts, stops, and says clearly why not."""

import socket
import sys
from collections import namedtuple

import pytest

from devtools import embedded_postgres
from devtools.embedded_postgres import Cluster, StartError
from tests.production import free_port


@pytest.fixture
def cluster(tmp_path):
    made = Cluster(data=tmp_path / "pgdata", port=free_port(55500, 55599))
    yield made
    made.stop()


def test_a_new_cluster_starts_with_the_database_and_stops(cluster):
    assert cluster.start() is True
    assert cluster.running()
    assert cluster.psql("SELECT datname FROM pg_database WHERE datname = 'spasminfo'") == "spasminfo"
    assert cluster.psql("SELECT count(*) FROM pg_available_extensions WHERE name IN ('pg_trgm', 'unaccent')") == "2"
    assert cluster.start() is False  # already running: nothing to do
    cluster.stop()
    assert not cluster.running()


def test_a_stale_lock_file_is_removed_and_the_server_starts(cluster, capsys):
    cluster.start()
    cluster.stop()
    (cluster.data / "postmaster.pid").write_text("999999\n")  # a server that died without cleaning up
    assert cluster.start() is True
    assert "stale lock file" in capsys.readouterr().err


def test_a_port_in_use_is_named_with_what_to_do(cluster):
    with socket.socket() as other:
        other.bind(("127.0.0.1", cluster.port))
        other.listen()
        with pytest.raises(StartError, match=f"Port {cluster.port} .* in use .* EMBEDDED_PG_PORT"):
            cluster.start()


def test_a_data_folder_of_another_postgresql_version_is_refused_not_touched(cluster):
    cluster.data.mkdir()
    (cluster.data / "PG_VERSION").write_text("16\n")
    with pytest.raises(StartError, match=r"holds a PostgreSQL 16 cluster; this is PostgreSQL 18. Move it aside"):
        cluster.start()
    assert (cluster.data / "PG_VERSION").read_text() == "16\n"


def test_a_full_disk_is_named_before_anything_is_written(cluster, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(embedded_postgres.shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 5 * 2**20, 5 * 2**20))
    with pytest.raises(StartError, match=r"Not enough disk space .* 5 MB free, 200 MB needed"):
        cluster.start()
    assert not cluster.data.exists()


def test_the_command_line_runs_a_command_with_the_server_and_stops_it_after(tmp_path, monkeypatch):
    port = free_port(55500, 55599)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("EMBEDDED_PG_DATA", str(tmp_path / "pgdata"))
    monkeypatch.setenv("EMBEDDED_PG_PORT", str(port))
    probe = f"import psycopg; psycopg.connect('postgres://postgres@127.0.0.1:{port}/spasminfo').close()"
    assert embedded_postgres.main(["run", "--", sys.executable, "-c", probe]) == 0
    assert not Cluster.from_environment().running()  # started for the command, stopped after it
    assert embedded_postgres.main(["run", "--", sys.executable, "-c", "raise SystemExit(3)"]) == 3
