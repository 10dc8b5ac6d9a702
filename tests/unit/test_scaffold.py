"""`workshops new` makes a pack that passes `workshops check` as it is, and never writes over one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml

from workshops.cli import main
from workshops.packs import load_pack
from workshops.packs.scaffold import (
    COVER,
    REFUSED,
    NewPack,
    ScaffoldError,
    create,
    pack_files,
    parse_ages,
    plan_minutes,
    schema_line_for,
    slug,
)
from workshops.packs.schema import SCHEMA_FILE, schema_text, shipped_schema_path


def _clean(folder: Path) -> dict:
    """The pack in `folder`, which must load with no error and no warning."""
    result = load_pack(folder)
    assert result.ok and result.problems == [], [p.format() for p in result.problems]
    return yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("swedish", [False, True], ids=["fi", "fi+sv"])
@pytest.mark.parametrize("ages", ["11-16", "aikuiset"])
def test_the_new_pack_passes_the_check(tmp_path: Path, swedish: bool, ages: str) -> None:
    folder = tmp_path / "uni-ja-jaksaminen"
    assert create(str(folder), title="Uni ja jaksaminen", ages=ages, swedish=swedish) == 0
    pack = _clean(folder)
    assert pack["id"] == "uni-ja-jaksaminen"
    assert [step["kind"] for step in pack["agenda"]][:2] == ["slide", "choice"]
    assert pack.get("translations") == (["sv"] if swedish else None)
    assert (folder / COVER).read_text(encoding="utf-8").startswith("<svg")
    assert main(["check", str(folder)]) == 0
    schema = json.loads(schema_text())
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(pack))


@pytest.mark.parametrize("minutes", [10, 45, 90])
def test_a_new_workshop_ends_with_the_closing_barometer(tmp_path: Path, minutes: int) -> None:
    """Issue #20: every workshop closes with the standard barometer, one line in its pack."""
    folder = tmp_path / "oma"
    assert create(str(folder), title="Oma", minutes=str(minutes), ages="11-16") == 0
    assert _clean(folder)["barometer"] is True
    loaded = load_pack(folder).pack
    assert loaded.agenda[-1].kind == "barometer"
    assert sum(step.minutes for step in loaded.agenda) == minutes


def test_a_very_short_pack_has_no_room_for_the_barometer(tmp_path: Path) -> None:
    folder = tmp_path / "lyhyt"
    assert create(str(folder), title="Lyhyt", minutes="5", ages="11-16") == 0
    assert "barometer" not in _clean(folder)


def test_the_first_line_names_the_schema(tmp_path: Path) -> None:
    """Under content/ (a schema beside the packs) the line is the packs' own; elsewhere the kit's copy."""
    (tmp_path / SCHEMA_FILE).write_text("{}", encoding="utf-8")
    assert create(str(tmp_path / "oma"), title="Oma") == 0
    first = (tmp_path / "oma" / "pack.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
    elsewhere = tmp_path / "muualla" / "oma"
    assert schema_line_for(elsewhere) == str(shipped_schema_path())


def test_it_refuses_to_write_over_a_pack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "oma"
    folder.mkdir()
    (folder / "pack.yaml").write_text("id: oma\n", encoding="utf-8")
    assert main(["new", str(folder), "--title", "Oma"]) == REFUSED
    assert "En kirjoita sen päälle" in capsys.readouterr().err
    assert (folder / "pack.yaml").read_text(encoding="utf-8") == "id: oma\n"
    assert not (folder / COVER).exists()


def test_it_keeps_a_picture_already_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "oma"
    folder.mkdir()
    (folder / COVER).write_text("<svg/>", encoding="utf-8")
    assert create(str(folder)) == 0
    assert (folder / COVER).read_text(encoding="utf-8") == "<svg/>"
    assert "jätin sen ennalleen" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["Uni ja jaksaminen"], "uni-ja-jaksaminen"),  # a folder name that is no id: say which would do
        (["oma", "--id", "toinen"], "sama kuin sen kansion nimi"),
        (["oma", "--minutes", "tunti"], "minuutteina numerolla"),
        (["oma", "--minutes", "0"], "1–600"),
        (["oma", "--ages", "16-11"], "nuorin ensin"),
        (["oma", "--ages", "teinit"], "esimerkiksi 11-16"),
    ],
)
def test_a_wrong_answer_is_refused_in_finnish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", *args]) == REFUSED
    assert says in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_without_a_terminal_it_takes_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new"]) == 0  # pytest's stdin is no terminal: nothing is asked
    pack = _clean(tmp_path / "uusi-tyopaja")
    assert (pack["title"], pack["minutes"], pack["audience"]) == ("Uusi työpaja", 45, {"min_age": 13, "max_age": 15})


def _answers(*lines: str) -> Iterator[str]:
    yield from lines


def test_the_dialogue_asks_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replies = _answers("Somen kiemurat", "tunti", "60", "", "k", "Sociala medier")
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(replies)

    assert create(ask=ask, here=tmp_path) == 0
    pack = _clean(tmp_path / "somen-kiemurat")
    assert pack["title"] == {"fi": "Somen kiemurat", "sv": "Sociala medier"}
    assert (pack["minutes"], pack["audience"], pack["translations"]) == (60, {"min_age": 13, "max_age": 15}, ["sv"])
    assert asked[0].startswith("Työpajan nimi") and asked[-1].startswith("Nimi ruotsiksi")
    assert "minuutteina numerolla" in capsys.readouterr().out  # "tunti" was asked again


def test_the_dialogue_skips_what_the_command_line_gave(tmp_path: Path) -> None:
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        raise EOFError  # Ctrl+D: the default

    assert create("oma", title="Oma", minutes="30", ages="9-12", ask=ask, here=tmp_path) == 0
    assert [q.split(" [")[0] for q in asked] == ["Tuleeko ruotsinkielinen käännös? (k/e)"]
    assert _clean(tmp_path / "oma")["minutes"] == 30


@pytest.mark.parametrize("title", ['Huom: "#1" vinkki', "no", "12:30", "- lista", "Vinkki #1"])
def test_any_title_is_written_as_valid_yaml(tmp_path: Path, title: str) -> None:
    assert create(str(tmp_path / "oma"), title=title, swedish=True) == 0
    assert _clean(tmp_path / "oma")["title"] == {"fi": title, "sv": title}


@pytest.mark.parametrize("minutes", [1, 2, 3, 8, 45, 600])
def test_the_steps_add_up_to_the_pack(tmp_path: Path, minutes: int) -> None:
    assert sum(plan_minutes(minutes)) == minutes
    files = pack_files(NewPack("oma", "Oma", minutes=minutes, ages=(10, 12)))
    (tmp_path / "oma").mkdir()
    for name, text in files.items():
        (tmp_path / "oma" / name).write_text(text, encoding="utf-8")
    _clean(tmp_path / "oma")


def test_the_answers_read_as_authors_write_them() -> None:
    assert slug("Äidinkieli & Öljyvärit – 5.lk") == "aidinkieli-oljyvarit-5-lk"
    assert slug("!!!") == "uusi-tyopaja"
    assert parse_ages("11–16") == (11, 16) and parse_ages("13") == (13, 13) and parse_ages("Aikuiset") is None
    with pytest.raises(ScaffoldError):
        parse_ages("4-10")
