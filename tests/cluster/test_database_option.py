"""`workshops serve --database URL` (setting DATABASE_URL): a PostgreSQL journal or a clear refusal."""

from __future__ import annotations

import sys

import pytest

from workshops.app import DatabaseError
from workshops.cli import build_parser
from workshops.sessions.pgjournal import PgJournal

pytestmark = pytest.mark.cluster


def test_the_option_takes_only_a_postgresql_address(capsys):
    args = build_parser().parse_args(["serve", "--database", "postgresql://kit@db.example.fi/workshops"])
    assert args.database == "postgresql://kit@db.example.fi/workshops"
    assert build_parser().parse_args(["serve"]).database is None  # SQLite in the data folder
    for wrong in ("sqlite:///tmp/j.sqlite3", "/var/lib/workshops/journal.sqlite3", "mysql://kit@db/w"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["serve", "--database", wrong])
        assert "give a PostgreSQL address" in capsys.readouterr().err


def test_the_app_journals_in_the_database_it_is_given(make_app, database_url):
    app = make_app(DATABASE_URL=database_url)
    assert isinstance(app.extensions["workshops"].journal, PgJournal)
    app.extensions["workshops"].journal.close()
    assert type(make_app().extensions["workshops"].journal).__name__ == "Journal"  # the default: SQLite


def test_the_app_refuses_an_address_that_is_not_postgresql(make_app):
    with pytest.raises(DatabaseError, match="PostgreSQL address"):
        make_app(DATABASE_URL="mysql://kit@localhost/workshops")


def test_the_app_says_which_extra_to_install_when_psycopg_is_missing(make_app, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` raises ImportError
    monkeypatch.delitem(sys.modules, "workshops.sessions.pgjournal")
    with pytest.raises(DatabaseError, match=r"workshops\[postgres\]"):
        make_app(DATABASE_URL="postgresql://kit@localhost/workshops")


def test_serve_refuses_to_start_without_its_database(tmp_path, capsys):
    from workshops.config import SHIPPED_CONTENT
    from workshops.server import serve

    code = serve(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path,
        content_dir=[SHIPPED_CONTENT],
        async_mode="threading",  # no monkey patching in the test's process
        database="postgresql://kit:sekret@127.0.0.1:1/workshops",
    )
    err = capsys.readouterr().err
    assert code == 2 and "does not start" in err and "cannot reach the database" in err
    assert "sekret" not in err


def test_a_session_starts_at_the_first_try_after_the_database_restarted(make_app, database_url, cluster):
    """The first use of the journal after PostgreSQL restarted finds its old connection gone; the
    facilitator's press of *Start a session* must still open the console, not an error page."""
    from tests.conftest import ORIGIN

    app = make_app(DATABASE_URL=database_url)
    client = app.test_client()
    assert client.post("/sessions", data={"pack": "esittely"}, headers=ORIGIN).status_code == 302
    cluster.restart()
    resp = client.post("/sessions", data={"pack": "esittely"}, headers=ORIGIN)
    assert resp.status_code == 302, resp.status_code
    app.extensions["workshops"].journal.close()
