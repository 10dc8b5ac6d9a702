"""The statistics record of a session and the sums over many (workshops/sessions/statistics.py): pure."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.unit.test_tasks import PACK, ROOT, STEPS, T0, answer, run
from workshops.activities import Rejected
from workshops.sessions import rules, statistics, views

DAY = date(2026, 12, 6)
NICK = "Sirkkaliisa"
SECRET = "Salaisuus Matti Meikäläinen"
LABELS = {"place": "Kupittaan koulu", "grade": "4B", "district": "Turku"}


def ok(state):
    assert not isinstance(state, Rejected), state
    return state


def goto(state, step_id, at):
    return ok(run(state, "host", {"type": "goto", "step": STEPS.index(step_id), "expect": state.step}, at=at))


def enter(state, step_id, **fields):
    return ok(run(state, "host", {"type": "act", "step": step_id, "action": {"type": "enter", **fields}}))


def a_class() -> rules.SessionState:
    """Four phones (one renamed by its pupil), a team's tablet, hands counted, open answers, the end."""
    state = rules.new_session(PACK, 5, T0, own_nicknames=True)
    for _ in range(4):
        state = ok(run(state, "system", {"type": "join"}))
    state = ok(run(state, "host", {"type": "teams", "count": 2}))
    state = ok(run(state, "system", {"type": "join", "device": "team", "team": "t1"}))
    state = ok(run(state, "p1", {"type": "rename", "nick": NICK}))
    state = ok(run(state, "host", {"type": "nick", "seat": "p1", "approve": True}))
    state = goto(state, "tv", T0 + 60)
    state = ok(answer(state, "p1", "tv", value=False))
    state = ok(answer(state, "p2", "tv", value=True))
    state = enter(state, "tv", answer={"type": "answer", "value": True}, count=7)
    state = goto(state, "asteikko", T0 + 180)
    for seat, value in (("p1", 1), ("p2", 5), ("p3", 5)):
        state = ok(answer(state, seat, "asteikko", value=value))
    state = goto(state, "avoin", T0 + 300)
    state = ok(answer(state, "p1", "avoin", text=SECRET))
    state = ok(answer(state, "p2", "avoin", text="Pelit ja videot"))
    voter = "p1"
    state = ok(
        run(
            state,
            "host",
            {"type": "act", "step": "avoin", "action": {"type": "moderate", "voter": voter, "status": "approved"}},
        )
    )
    state = goto(state, "kuva", T0 + 400)
    return ok(run(state, "host", {"type": "end"}, at=T0 + 500))


def strings_in(value: Any) -> set[str]:
    """Every key and string value anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {s for v in value.values() for s in strings_in(v)}
    if isinstance(value, list):
        return {s for v in value for s in strings_in(v)}
    return {value} if isinstance(value, str) else set()


# -- one session's record -----------------------------------------------------------------------------
def test_a_record_counts_what_the_report_shows():
    state = a_class()
    record = statistics.record_of(state, stats_id="a" * 32, labels=LABELS, today=DAY)
    assert record is not None
    assert statistics.validate(record) == record
    assert record["pack"] == "minitehtavat" and record["date"] == "2026-12-06" and record["mode"] == "live"
    assert record["labels"] == LABELS
    # Four phones and a team's tablet; the most hands entered on one step: 7.
    assert record["participants"] == {"devices": 4, "team_devices": 1, "entered": 7}
    steps = {s["id"]: s for s in record["steps"]}
    assert steps["tv"]["counts"] == {"true": 8, "false": 1} and steps["tv"]["answered"] == 9
    assert steps["asteikko"]["scale"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 2}
    assert steps["avoin"]["answered"] == 2 and "counts" not in steps["avoin"]
    assert [o["id"] for o in steps["kuva"]["options"]] == ["laatikko", "pallo"]
    ran = [s["id"] for s in record["steps"] if s["run"]]
    assert ran == ["tv", "asteikko", "avoin", "kuva"]
    assert all(s["minutes"] == 0 for s in record["steps"] if not s["run"])
    # The length run: the steps' run times as the report shows them (each to 0.1 min), added up.
    report = views.report(state)
    assert [s["minutes"] for s in record["steps"]] == [s["actual"] for s in report["steps"]]
    assert record["minutes"] == round(sum(s["actual"] for s in report["steps"]), 1) == 7.4
    assert steps["tv"]["minutes"] == 2.0


def test_a_record_holds_no_nickname_seat_team_text_or_time_of_day():
    state = a_class()
    record = statistics.record_of(state, stats_id="b" * 32, labels=LABELS, today=DAY)
    text = json.dumps(record, ensure_ascii=False)
    nicks = [p.nick for p in state.pupils.values()]
    assert NICK in nicks
    for secret in [*nicks, SECRET, "Salaisuus", "Matti", "Pelit ja videot", "videot"]:
        assert secret not in text, secret
    found = strings_in(record)
    for seat_or_team in [*state.pupils, *state.teams]:
        assert seat_or_team not in found, seat_or_team
    assert str(int(T0)) not in text and "T" not in record["date"]


def test_nobody_took_part_no_record_but_hands_alone_make_one():
    state = rules.new_session(PACK, 5, T0)
    state = goto(state, "tv", T0 + 60)
    assert statistics.record_of(state, stats_id="c" * 32, labels={}, today=DAY) is None
    state = enter(state, "tv", answer={"type": "answer", "value": False}, count=12)
    record = statistics.record_of(state, stats_id="c" * 32, labels={}, today=DAY)
    assert record is not None and record["participants"] == {"devices": 0, "team_devices": 0, "entered": 12}
    assert record["labels"] == {}


def test_simulated_seats_are_not_participants():
    state = rules.new_session(PACK, 5, T0)
    state = ok(run(state, "system", {"type": "join", "simulated": True}))
    assert statistics.record_of(state, stats_id="d" * 32, labels={}, today=DAY) is None


def test_the_pack_version_follows_the_content():
    one = statistics.record_of(a_class(), stats_id="e" * 32, labels={}, today=DAY)
    changed = PACK.model_copy(update={"title": "Toinen nimi"})
    state = rules.new_session(changed, 5, T0)
    state = enter(goto(state, "tv", T0), "tv", answer={"type": "answer", "value": True}, count=5)
    other = statistics.record_of(state, stats_id="e" * 32, labels={}, today=DAY)
    assert one is not None and other is not None
    assert len(one["pack_version"]) == 12 and one["pack_version"] != other["pack_version"]
    again = statistics.record_of(a_class(), stats_id="e" * 32, labels={}, today=DAY)
    assert again is not None and again["pack_version"] == one["pack_version"]


# -- labels and the journal's mark --------------------------------------------------------------------
def test_labels_are_trimmed_cut_and_only_the_known_ones():
    long = "x" * 200
    cleaned = statistics.clean_labels(
        {"place": "  Kupittaan\u0000 \n koulu ", "grade": "", "district": long, "nick": "Sirkkaliisa", "x": 3}
    )
    assert cleaned == {"place": "Kupittaan koulu", "district": "x" * 80}
    assert statistics.clean_labels({"grade": 4}) == {}


def test_the_mark_is_no_action_and_reads_back():
    mark = statistics.mark("f" * 32, {"place": "Koulu"})
    assert "type" not in mark and statistics.is_mark(mark)
    assert statistics.read_mark(mark) == ("f" * 32, {"place": "Koulu"})
    assert not statistics.is_mark({"type": "join"})
    assert statistics.read_mark({"statistics": {"id": "P1", "labels": {"place": 5}}}) == (None, {})
    derived = statistics.derived_id("0123456789abcdef0123456789abcdef")
    assert len(derived) == 32 and derived != "0123456789abcdef0123456789abcdef"
    assert derived == statistics.derived_id("0123456789abcdef0123456789abcdef")


# -- the model: strict, nothing unknown -----------------------------------------------------------------
def base_record() -> dict[str, Any]:
    record = statistics.record_of(a_class(), stats_id="1" * 32, labels=LABELS, today=DAY)
    assert record is not None
    return record


@pytest.mark.parametrize(
    "spoil",
    [
        lambda r: r.update(nick="Sirkkaliisa"),
        lambda r: r["steps"][0].update(texts=["Salaisuus"]),
        lambda r: r["participants"].update(seats=["p1"]),
        lambda r: r["labels"].update(pupil="Matti"),
        lambda r: r.update(id="ABC"),
        lambda r: r.update(id="0" * 31),
        lambda r: r.update(date="2026-02-30"),
        lambda r: r.update(date="2026-12-06T10:15"),
        lambda r: r.update(v=2),
        lambda r: r.update(mode="rehearsal"),
        lambda r: r["labels"].update(place="x" * 81),
        lambda r: r["labels"].update(place=" padded "),
        lambda r: r["participants"].update(devices=-1),
        lambda r: r["participants"].update(devices="22"),
        lambda r: r["participants"].update(devices=True),
        lambda r: r["steps"][0]["counts"].update(true=1.5),
        lambda r: r["steps"][0]["counts"].update({"Matti Meikäläinen": 1}),
        lambda r: r["steps"][1]["scale"].update({"hyvä": 1}),
    ],
)
def test_validate_refuses_anything_but_the_records_fields(spoil):
    record = base_record()
    spoil(record)
    with pytest.raises(ValidationError):
        statistics.validate(record)


def test_validate_takes_a_record_back_from_json():
    record = base_record()
    assert statistics.validate(json.loads(json.dumps(record))) == record


# -- small counts ------------------------------------------------------------------------------------------
def test_suppress_hides_one_to_four():
    assert [statistics.suppress(n) for n in range(7)] == [0, "<5", "<5", "<5", "<5", 5, 6]


# -- many records: random ones ---------------------------------------------------------------------------
counts = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(0, 30), max_size=3)
step = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["kysely", "asteikko", "lopuksi"]),
        "kind": st.just("choice"),
        "title": st.just({"fi": "Kysely"}),
        "run": st.booleans(),
        "minutes": st.integers(0, 300).map(lambda t: t / 10),
    },
    optional={
        "answered": st.integers(0, 40),
        "counts": counts,
        "scale": st.dictionaries(st.sampled_from(["1", "2", "3"]), st.integers(0, 30), max_size=3),
        "barometer": st.dictionaries(
            st.sampled_from(["oppi", "kiva"]), st.dictionaries(st.sampled_from(["1", "2"]), st.integers(0, 9))
        ),
    },
)
record = st.builds(
    lambda rid, pack, day, labels, people, steps, tenths: statistics.validate(
        {
            "v": 1,
            "id": rid,
            "pack": pack,
            "pack_version": "0123456789ab",
            "title": {"fi": pack},
            "adults": False,
            "date": day.isoformat(),
            "language": "fi",
            "mode": "live",
            "minutes": tenths / 10,
            "labels": labels,
            "participants": people,
            "steps": list({s["id"]: s for s in steps}.values()),
        }
    ),
    st.text("0123456789abcdef", min_size=32, max_size=32),
    st.sampled_from(["digitutkijat", "esittely"]),
    st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    st.dictionaries(st.sampled_from(["place", "district"]), st.sampled_from(["Koulu A", "Turku"]), max_size=2),
    st.fixed_dictionaries(
        {"devices": st.integers(0, 40), "team_devices": st.integers(0, 6), "entered": st.integers(0, 40)}
    ),
    st.lists(step, max_size=3),
    st.integers(0, 2000),
)
records = st.lists(record, max_size=8)


def plus(a: Any, b: Any) -> Any:
    """Two totals added up cell by cell (minutes to one decimal)."""
    if isinstance(a, dict):
        return {k: plus(a[k], b[k]) if k in a and k in b else a.get(k, b.get(k)) for k in a.keys() | b.keys()}
    if isinstance(a, float):
        return round(a + b, 1)
    return a + b


def rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return round(value, 1) if isinstance(value, float) else value


def cells(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [c for v in value.values() for c in cells(v)]
    if isinstance(value, list):
        return [c for v in value for c in cells(v)]
    return [value]


@settings(max_examples=100, deadline=None)
@given(records, st.sampled_from(statistics.GROUPS))
def test_suppression_never_lets_one_to_four_out_of_an_export_cell(some, by):
    for group in statistics.totals(some, by=by).values():
        shown = statistics.suppress_all(group)
        for cell in cells(shown):
            assert not (isinstance(cell, int) and not isinstance(cell, bool) and 0 < cell < 5), cell
    for r in some:
        for cell in cells(statistics.suppress_all(r["steps"])):
            assert not (isinstance(cell, int) and not isinstance(cell, bool) and 0 < cell < 5), cell


@settings(max_examples=100, deadline=None)
@given(records, records, st.sampled_from(statistics.GROUPS))
def test_the_totals_of_two_sets_together_are_their_sum(first, second, by):
    together = statistics.totals(first + second, by=by)
    apart = plus(statistics.totals(first, by=by), statistics.totals(second, by=by))
    assert rounded(together) == rounded(apart)


@settings(max_examples=100, deadline=None)
@given(records, st.randoms(use_true_random=False), st.sampled_from(statistics.GROUPS))
def test_totals_do_not_depend_on_the_order(some, rng: random.Random, by):
    shuffled = list(some)
    rng.shuffle(shuffled)
    assert statistics.totals(shuffled, by=by) == statistics.totals(some, by=by)


@settings(max_examples=100, deadline=None)
@given(records)
def test_the_totals_of_every_group_add_up_to_all(some):
    everything = {"sessions": len(some), "participants": 0}
    for r in some:
        p = r["participants"]
        everything["participants"] += p["devices"] + p["team_devices"] + p["entered"]
    for by in statistics.GROUPS:
        groups = statistics.totals(some, by=by).values()
        assert sum(g["sessions"] for g in groups) == everything["sessions"]
        assert sum(g["participants"] for g in groups) == everything["participants"]


def test_totals_sum_steps_per_pack_and_group_by_month_and_label():
    def rec(n: int, day: str, pack: str, labels: dict[str, str], counts: dict[str, int]) -> dict[str, Any]:
        return statistics.validate(
            {
                "v": 1,
                "id": f"{n:032x}",
                "pack": pack,
                "pack_version": "0123456789ab",
                "title": {"fi": pack},
                "adults": False,
                "date": day,
                "language": "fi",
                "mode": "live",
                "minutes": 10.1,
                "labels": labels,
                "participants": {"devices": 10, "team_devices": 1, "entered": 2},
                "steps": [
                    {
                        "id": "kysely",
                        "kind": "choice",
                        "title": {"fi": "K"},
                        "run": True,
                        "minutes": 3.3,
                        "answered": 7,
                        "counts": counts,
                    }
                ],
            }
        )

    some = [
        rec(1, "2026-11-30", "digitutkijat", {"place": "A"}, {"a": 3, "b": 4}),
        rec(2, "2026-12-01", "digitutkijat", {}, {"a": 1}),
        rec(3, "2026-12-24", "esittely", {"place": "A", "district": "Turku"}, {"c": 2}),
    ]
    by_month = statistics.totals(some, by="month")
    assert list(by_month) == ["2026-11", "2026-12"]
    december = by_month["2026-12"]
    assert december["sessions"] == 2 and december["participants"] == 26 and december["minutes"] == 20.2
    assert set(december["packs"]) == {"digitutkijat", "esittely"}
    by_pack = statistics.totals(some, by="pack")["digitutkijat"]
    kysely = by_pack["packs"]["digitutkijat"]["steps"]["kysely"]
    assert kysely == {"sessions": 2, "run": 2, "answered": 14, "counts": {"a": 4, "b": 4}, "minutes": 6.6}
    assert list(statistics.totals(some, by="place")) == ["", "A"]
    assert list(statistics.totals(some, by="district")) == ["", "Turku"]
    # Filtering: by pack, months (both ends included) and labels ("" = no label given).
    assert [r["id"][-1] for r in statistics.filter(some, pack="digitutkijat")] == ["1", "2"]
    assert [r["id"][-1] for r in statistics.filter(some, month_from="2026-12")] == ["2", "3"]
    assert [r["id"][-1] for r in statistics.filter(some, month_to="2026-11")] == ["1"]
    assert [r["id"][-1] for r in statistics.filter(some, place="A", district="Turku")] == ["3"]
    assert [r["id"][-1] for r in statistics.filter(some, place="")] == ["2"]


def test_the_pack_version_is_the_same_after_a_replay_of_every_shipped_pack():
    from workshops.packs import load_pack
    from workshops.packs.models import Pack

    folders = sorted(p for p in (ROOT / "content").iterdir() if (p / "pack.yaml").is_file())
    assert folders
    for folder in folders:
        pack = load_pack(folder).pack
        assert pack is not None, folder
        journaled = pack.model_dump(mode="json", by_alias=True, exclude_none=True)
        replayed = Pack.model_validate(journaled, context={}).model_dump(mode="json", by_alias=True, exclude_none=True)
        assert statistics.pack_version(replayed) == statistics.pack_version(journaled), folder.name


def test_the_closing_barometer_is_counted_per_statement_and_face():
    from workshops.packs import load_pack

    pack = load_pack(ROOT / "content" / "esittely").pack
    assert pack is not None
    index = next(i for i, s in enumerate(pack.agenda) if s.kind == "barometer")
    step = pack.agenda[index]
    first = step.statements[0].id
    state = rules.new_session(pack, 1, T0)
    state = ok(run(state, "system", {"type": "join"}))
    state = ok(run(state, "host", {"type": "goto", "step": index, "expect": -1}))
    state = ok(run(state, "p1", {"type": "act", "step": step.id, "action": {"type": "answer", "faces": {first: 3}}}))
    hands = {"type": "enter", "answer": {"type": "answer", "faces": {first: 1}}, "count": 4}
    state = ok(run(state, "host", {"type": "act", "step": step.id, "action": hands}))
    record = statistics.record_of(state, stats_id="9" * 32, labels={}, today=DAY)
    assert record is not None and record["participants"]["entered"] == 4
    shown = record["steps"][index]
    assert shown["barometer"][first] == {"1": 4, "2": 0, "3": 1}
    assert [o["id"] for o in shown["options"]] == [s.id for s in step.statements]
