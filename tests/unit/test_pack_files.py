"""What a pack folder may hold: ordinary files and folders only, and which of them are served.

The loader refuses a symlink or a special file (FIFO, socket) anywhere in a pack's folder,
without following or opening it; a loaded pack names the images it references, and only
those are opened for sending, never through a symlink.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from pathlib import Path

import pytest

from workshops.packs import PackLibrary, find_pack_dirs, load_pack
from workshops.packs.library import open_pack_file

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "content" / "esittely"
SYMLINK = "symlinks are not allowed in a pack; copy the file here instead"
SPECIAL = "only ordinary files are allowed in a pack"
IMAGE_VALUE = re.compile(
    r"""^\s*(?:-\s*)?(?:[\w$-]+:\s*)?["']?([^\s"'/:]+\.(?:svg|png|jpe?g|webp))["']?\s*(?:#.*)?$""", re.I | re.M
)


def _demo(tmp_path: Path, ident: str = "esittely") -> Path:
    folder = tmp_path / "content" / ident
    shutil.copytree(DEMO, folder)
    if ident != "esittely":
        file = folder / "pack.yaml"
        file.write_text(re.sub(r"(?m)^id: esittely$", f"id: {ident}", file.read_text(encoding="utf-8")), "utf-8")
    return folder


def _load_within(folder: Path, seconds: float = 10):
    """load_pack in a thread: a FIFO opened by mistake would block it, and the test would hang."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(load_pack(folder)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert out, f"load_pack({folder}) blocked: it opened a FIFO"
    return out[0]


def _lines(result) -> list[str]:
    return [p.format() for p in result.problems]


def test_the_demo_loads_and_names_its_images(tmp_path: Path) -> None:
    result = load_pack(_demo(tmp_path))
    assert result.ok, _lines(result)
    assert result.pack.media == frozenset({"tervetuloa.svg"})


@pytest.mark.parametrize(
    "folder", [*find_pack_dirs([ROOT / "content"]), *find_pack_dirs([ROOT / "tests/packs/good"])], ids=lambda p: p.name
)
def test_media_is_every_image_named_in_the_pack_file(folder: Path) -> None:
    """The image fields are found from the models' types: cross-check with the YAML text,
    so an image field the walk missed (the server would 404 it) shows up here."""
    result = load_pack(folder)
    assert result.ok, _lines(result)
    written = set(IMAGE_VALUE.findall((folder / "pack.yaml").read_text(encoding="utf-8")))
    assert result.pack.media == written


def test_media_covers_every_kind_of_image_field(tmp_path: Path) -> None:
    """Every step of the shipped and the good test packs together in one pack, with an image
    put on every map of fields that accepts one (the cover, slides, questions, stations,
    board-game cards and characters, tasks, the hotspot picture): the pack names them all."""
    from pydantic import ValidationError

    from workshops.packs.loader import _data_path
    from workshops.packs.models import Pack

    folders = [*find_pack_dirs([ROOT / "content"]), *find_pack_dirs([ROOT / "tests/packs/good"])]
    agenda = []
    for folder in folders:
        result = load_pack(folder)
        assert result.ok, _lines(result)
        agenda += [step.model_dump(mode="json", by_alias=True, exclude_none=True) for step in result.pack.agenda]
    # Every pack ends with its closing barometer, and a pack may have one only, as its last step.
    barometers = [step for step in agenda if step["kind"] == "barometer"]
    agenda = [step for step in agenda if step["kind"] != "barometer"] + barometers[:1]
    for i, step in enumerate(agenda):
        step["id"] = f"s{i}"

    given: dict[int, str] = {}  # id() of a map -> the image put there

    def give(node) -> None:
        if isinstance(node, dict):
            for value in node.values():
                give(value)
            if "id" in node:  # a step, a card, a character, a station, an option... (not a text or a meter map)
                name = f"k{len(given)}.svg"
                node["image"] = name
                given[id(node)] = name
        elif isinstance(node, list):
            for value in node:
                give(value)

    give(agenda)
    data = {
        "id": "kaikki",
        "title": "Kaikki",
        "audience": {"min_age": 9, "max_age": 12},
        "minutes": 1,
        "cover": "kansi.svg",
        "agenda": agenda,
    }

    def node_at(path):
        node = data
        for key in path:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    for _round in range(50):
        for name in [*given.values(), "kansi.svg"]:
            (tmp_path / name).write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
        try:
            pack = Pack.model_validate(data, context={"languages": ["fi"], "pack_dir": tmp_path})
            break
        except ValidationError as exc:
            # take the image away from the innermost map on each error's path that got one
            for err in exc.errors(include_url=False):
                path, _ = _data_path(err["loc"], data)  # it drops the step kind's tag, even a field's name
                for cut in range(len(path), -1, -1):
                    node = node_at(path[:cut])
                    if isinstance(node, dict) and id(node) in given and "image" in node:
                        del node["image"]
                        given.pop(id(node))
                        break
    else:
        pytest.fail("could not build the pack")

    kept = set(given.values())
    assert pack.media == kept | {"kansi.svg"}
    assert len(kept) >= 6, kept
    kinds_with_images = {s.kind for s in pack.agenda if s.model_dump().get("image")}
    assert {"slide", "choice", "hotspot"} <= kinds_with_images, kinds_with_images
    holders = set()
    for step in pack.agenda:
        for item in [*getattr(step, "cards", []), *getattr(step, "characters", []), *getattr(step, "stations", [])]:
            if item.image:
                holders.add(type(item).__name__)
                assert item.image in pack.media
    assert {"Card", "Character", "Station"} <= holders, holders


def test_a_symlink_next_to_pack_yaml_is_refused(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    (folder / "x.png").symlink_to("/etc/passwd")
    result = load_pack(folder)
    assert not result.ok and result.pack is None
    assert _lines(result) == [f"{folder / 'x.png'}:1:1: {SYMLINK}"]


def test_a_symlink_inside_the_pack_is_refused_too(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    (folder / "sama.svg").symlink_to("tervetuloa.svg")
    assert _lines(load_pack(folder)) == [f"{folder / 'sama.svg'}:1:1: {SYMLINK}"]


def test_a_symlink_deep_in_a_subfolder_is_refused(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "c.svg").symlink_to(tmp_path / "missing")  # a dangling one counts as well
    assert _lines(load_pack(folder)) == [f"{folder / 'a' / 'b' / 'c.svg'}:1:1: {SYMLINK}"]


def test_a_symlinked_folder_is_refused_and_not_walked_into(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    os.mkfifo(outside / "fifo")  # walking into the link would report (or block on) this
    (outside / "link").symlink_to("/etc/passwd")
    folder = _demo(tmp_path)
    (folder / "kuvat").symlink_to(outside, target_is_directory=True)
    (folder / "silmukka").symlink_to(folder, target_is_directory=True)
    result = _load_within(folder)
    assert _lines(result) == [f"{folder / 'kuvat'}:1:1: {SYMLINK}", f"{folder / 'silmukka'}:1:1: {SYMLINK}"]


def test_pack_yaml_as_a_symlink_is_refused_unread(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    real = tmp_path / "real.yaml"
    shutil.move(folder / "pack.yaml", real)
    (folder / "pack.yaml").symlink_to(real)
    result = load_pack(folder)
    assert _lines(result) == [f"{folder / 'pack.yaml'}:1:1: {SYMLINK}"]
    assert result.digest == ""  # not read


def test_fifos_are_refused_without_being_opened(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    os.mkfifo(folder / "putki.png")
    (folder / "sisalla").mkdir()
    os.mkfifo(folder / "sisalla" / "putki")
    result = _load_within(folder)
    assert _lines(result) == [
        f"{folder / 'putki.png'}:1:1: {SPECIAL}",
        f"{folder / 'sisalla' / 'putki'}:1:1: {SPECIAL}",
    ]


def test_pack_yaml_as_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    (folder / "pack.yaml").unlink()
    os.mkfifo(folder / "pack.yaml")
    assert find_pack_dirs([folder.parent]) == [folder]  # still found, so that it is reported
    assert _lines(_load_within(folder)) == [f"{folder / 'pack.yaml'}:1:1: {SPECIAL}"]


def test_a_socket_is_refused(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    path = folder / "s.png"
    if len(str(path)) > 100:
        pytest.skip("the temporary path is too long for a Unix socket")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        assert _lines(load_pack(folder)) == [f"{path}:1:1: {SPECIAL}"]


def test_an_empty_subfolder_and_other_ordinary_files_are_fine(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    (folder / "luonnokset").mkdir()
    (folder / "luonnokset" / "vanha.svg").write_text("<svg/>", encoding="utf-8")
    (folder / "README.txt").write_text("muistiinpanoja", encoding="utf-8")
    result = load_pack(folder)
    assert result.ok, _lines(result)
    assert result.pack.media == frozenset({"tervetuloa.svg"})


# -- opening the files to send -----------------------------------------------------------------


def test_open_media_only_for_a_referenced_ordinary_file(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    (folder / "ylimaarainen.png").write_bytes(b"\x89PNG")
    library = PackLibrary(folder.parent)
    found = library.open_media("esittely", "tervetuloa.svg")
    assert found is not None
    fh, st, kind = found
    with fh:
        assert fh.read() == (folder / "tervetuloa.svg").read_bytes()
    assert kind == "image/svg+xml" and st.st_size == (folder / "tervetuloa.svg").stat().st_size
    for name in ("ylimaarainen.png", "pack.yaml", "../esittely/tervetuloa.svg", "", ".", ".."):
        assert library.open_media("esittely", name) is None, name
    assert library.open_media("muu", "tervetuloa.svg") is None


def test_open_media_never_for_a_pack_that_did_not_load(tmp_path: Path) -> None:
    folder = _demo(tmp_path, "rikki")
    (folder / "pack.yaml").write_text("id: rikki\ntitle: [\n", encoding="utf-8")
    library = PackLibrary(folder.parent)
    assert library.get("rikki") is None
    assert library.open_media("rikki", "tervetuloa.svg") is None


def test_a_pack_that_gains_a_symlink_in_a_subfolder_is_reloaded(tmp_path: Path) -> None:
    """The library notices a change anywhere in the folder, not only next to pack.yaml."""
    folder = _demo(tmp_path)
    (folder / "a" / "b").mkdir(parents=True)
    library = PackLibrary(folder.parent)
    assert library.get("esittely") is not None and not library.stale()
    (folder / "a" / "b" / "x.png").symlink_to("/etc/passwd")
    library.refresh()
    assert [r.path.name for r in library.stale()] == ["esittely"]
    assert SYMLINK in library.stale()[0].errors[0].message


def test_a_referenced_name_swapped_for_a_symlink_or_fifo_is_not_opened(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    library = PackLibrary(folder.parent)
    assert library.get("esittely") is not None
    image = folder / "tervetuloa.svg"
    image.unlink()
    image.symlink_to("/etc/passwd")
    # the last good version stays on offer, but its folder now holds a symlink
    assert library.open_media("esittely", "tervetuloa.svg") is None
    assert open_pack_file(folder, "tervetuloa.svg") is None
    image.unlink()
    os.mkfifo(image)
    assert open_pack_file(folder, "tervetuloa.svg") is None  # returns at once: never opened for reading


def test_open_pack_file_stays_in_the_folder(tmp_path: Path) -> None:
    folder = _demo(tmp_path)
    (tmp_path / "content" / "salaisuus.png").write_bytes(b"secret")
    (folder / "kansio").mkdir()
    for name in ("../salaisuus.png", "kansio", "kansio/", "a\0b.png", "tervetuloa.svg/"):
        assert open_pack_file(folder, name) is None, name
    found = open_pack_file(folder, "tervetuloa.svg")
    assert found is not None
    found[0].close()


def test_a_symlinked_pack_folder_is_served_from_its_real_place(tmp_path: Path) -> None:
    """A content folder may link a pack folder in (the folder's own name is the school's
    choice); what is inside it is still checked, and files resolve inside the real folder."""
    real = _demo(tmp_path)
    content = tmp_path / "other"
    content.mkdir()
    (content / "esittely").symlink_to(real, target_is_directory=True)
    library = PackLibrary(content)
    assert library.get("esittely") is not None
    found = library.open_media("esittely", "tervetuloa.svg")
    assert found is not None
    found[0].close()
