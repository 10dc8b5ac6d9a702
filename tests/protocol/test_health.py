"""What a load balancer asks of a worker: /healthz, /readyz, and which session an answer served.

The proxy itself is in tests/cluster/test_routing.py; these are the worker's side, in process.
"""

from __future__ import annotations

from tests.conftest import ORIGIN, Classroom

HEADER = "X-Workshops-Code"


def test_healthz_and_readyz_answer_cheaply_and_say_nothing_else(client, app):
    for path, text in (("/healthz", "ok"), ("/readyz", "ready")):
        resp = client.get(path)
        assert resp.status_code == 200 and resp.get_data(as_text=True) == f"{text}\n"
        assert resp.mimetype == "text/plain" and resp.headers["Cache-Control"] == "no-store"
    app.extensions["workshops"].journal.close()  # a journal that no longer answers
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_a_new_session_is_named_in_the_answer_that_made_it(client):
    resp = client.post("/sessions", data={"pack": "esittely"}, headers=ORIGIN)
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/host/{resp.headers[HEADER]}"


def test_every_answer_about_a_session_this_worker_holds_names_it(app, classroom: Classroom):
    code = classroom.code
    http = classroom.http  # has the host cookie
    assert http.get(f"/host/{code}").headers[HEADER] == code
    assert http.get(f"/host/{code.lower()}").headers[HEADER] == code  # the code as the kit reads it
    assert http.get(f"/report/{code}").headers[HEADER] == code
    assert app.test_client().get(f"/j/{code}").headers[HEADER] == code
    assert app.test_client().get(f"/qr/{code}.svg").headers[HEADER] == code
    assert app.test_client().post(f"/j/{code}/seat", json={}, headers=ORIGIN).headers[HEADER] == code
    # Not for a session it does not hold, nor a refusal, nor a page of no session.
    assert HEADER not in app.test_client().get("/j/ZZZZZ").headers
    assert HEADER not in app.test_client().get(f"/host/{code}").headers  # no key: the not-found page
    for path in ("/", "/join", "/privacy", "/healthz"):
        assert HEADER not in app.test_client().get(path).headers
