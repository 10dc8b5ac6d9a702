"""A pack's files, attacked through `/media/<pack>/<name>` on the real server.

Packs are shared between schools as folders, so a pack can hold whatever a folder can:
symlinks to the machine's files (`/etc/passwd`, the server secret in the data folder, the
live journal through `/proc/self/fd/N`), FIFOs that would block whoever opens them, images
no step uses. The server serves only the images a loaded pack references, opened without
following a symlink; the loader and `workshops check` refuse a pack holding a symlink or a
special file anywhere in its folder; a pack that did not load serves nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import requests

from .conftest import ROOT

DEMO = ROOT / "content" / "esittely"
DEMO_IMAGE = "tervetuloa.svg"  # the demo's cover and slide image
FDS = range(0, 24)  # /proc/self/fd/N in the server: the journal, the secret, sockets...


def _copy_pack(content: Path, ident: str) -> Path:
    """The demo pack under another id (the id must match the folder name)."""
    folder = content / ident
    shutil.copytree(DEMO, folder, symlinks=True)
    file = folder / "pack.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(re.sub(r"(?m)^id: esittely$", f"id: {ident}", text, count=1), encoding="utf-8")
    return folder


def _set_cover(folder: Path, name: str) -> None:
    file = folder / "pack.yaml"
    text = file.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^cover: .*\n", "", text)
    file.write_text(re.sub(r"(?m)^(id: .*\n)", rf"\1cover: {name}\n", text, count=1), encoding="utf-8")


def _get(server, pack: str, name: str) -> requests.Response:
    return requests.get(f"{server.url}/media/{pack}/{name}", timeout=10)


def _assert_refused(resp: requests.Response, *secrets: bytes) -> None:
    """A 404 with the kit's not-found page, and none of the file's bytes."""
    for secret in secrets:
        if secret:
            assert secret not in resp.content, f"the server sent the file's bytes for {resp.url}"
    assert b"SQLite format 3" not in resp.content, f"the server sent the journal for {resp.url}"
    assert resp.status_code == 404, f"{resp.url} answered {resp.status_code}"
    assert resp.headers.get("Content-Type", "").startswith("text/html")
    assert "<html" in resp.text.lower()


def _png(folder: Path, name: str) -> bytes:
    data = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    (folder / name).write_bytes(data)
    return data


def test_symlinks_in_a_pack_serve_nothing(tmp_path: Path, make_server, ledger) -> None:
    content = tmp_path / "content"
    folder = _copy_pack(content, "vuoto")
    server = make_server(content=content, start=False)
    secret_file = server.data_dir / "secret.key"
    # the cover is a symlink: the pack "works" for whoever does not look at its files
    (folder / "passwd.png").symlink_to("/etc/passwd")
    _set_cover(folder, "passwd.png")
    (folder / "avain.png").symlink_to(secret_file)
    for n in FDS:
        (folder / f"fd{n}.png").symlink_to(f"/proc/self/fd/{n}")
    (folder / "ylos.svg").symlink_to(Path("..") / ".." / "data" / "secret.key")
    server.start()

    passwd = Path("/etc/passwd").read_bytes()[:40]
    secret = secret_file.read_bytes()
    assert len(secret) >= 32

    ledger.bad_input("pack files: symlink to /etc/passwd as the cover")
    _assert_refused(_get(server, "vuoto", "passwd.png"), passwd)
    ledger.bad_input("pack files: symlink to the server secret")
    _assert_refused(_get(server, "vuoto", "avain.png"), secret)
    ledger.bad_input("pack files: relative symlink out of the pack")
    _assert_refused(_get(server, "vuoto", "ylos.svg"), secret)
    for n in FDS:
        ledger.bad_input("pack files: symlink to /proc/self/fd")
        _assert_refused(_get(server, "vuoto", f"fd{n}.png"), secret, passwd)

    # the pack did not load: it is not offered, and the log says why
    home = requests.get(server.url + "/", timeout=10).text
    assert 'data-pack="vuoto"' not in home
    assert "symlinks are not allowed in a pack" in server.log
    assert "Traceback" not in server.log


def test_only_referenced_images_of_a_loaded_pack_are_served(tmp_path: Path, make_server, ledger) -> None:
    content = tmp_path / "content"
    folder = _copy_pack(content, "esittely")
    extra = _png(folder, "ylimaarainen.png")  # an ordinary image no step uses
    (folder / "muistiinpanot.txt").write_text("not an image", encoding="utf-8")
    server = make_server(content=content)

    resp = _get(server, "esittely", DEMO_IMAGE)
    assert resp.status_code == 200, resp.status_code
    assert resp.headers["Content-Type"].startswith("image/svg+xml")
    assert resp.content == (folder / DEMO_IMAGE).read_bytes()
    assert "max-age=3600" in resp.headers.get("Cache-Control", "")

    ledger.bad_input("pack files: an image the pack does not reference")
    _assert_refused(_get(server, "esittely", "ylimaarainen.png"), extra)
    for name in ("pack.yaml", "muistiinpanot.txt", "..%2Fpack.yaml", "%2E%2E/esittely/pack.yaml", "nope.svg"):
        ledger.bad_input("pack files: not an image of the pack")
        _assert_refused(_get(server, "esittely", name), b"agenda:")


def test_a_referenced_image_swapped_for_a_symlink_after_loading_is_not_followed(
    tmp_path: Path, make_server, ledger
) -> None:
    """The library keeps the last good version of a pack whose edit broke; its folder may
    have changed under it. A referenced name that is now a symlink or a FIFO serves nothing."""
    content = tmp_path / "content"
    folder = _copy_pack(content, "esittely")
    server = make_server(content=content)
    assert _get(server, "esittely", DEMO_IMAGE).status_code == 200

    ledger.bad_input("pack files: referenced image swapped for a symlink")
    image = folder / DEMO_IMAGE
    image.unlink()
    image.symlink_to("/etc/passwd")
    _assert_refused(_get(server, "esittely", DEMO_IMAGE), Path("/etc/passwd").read_bytes()[:40])

    ledger.bad_input("pack files: referenced image swapped for a FIFO")
    image.unlink()
    os.mkfifo(image)
    _assert_refused(_get(server, "esittely", DEMO_IMAGE))
    assert requests.get(server.url + "/healthz", timeout=5).ok  # nothing hangs on the FIFO
    assert "Traceback" not in server.log


def test_a_broken_pack_serves_no_images(tmp_path: Path, make_server, ledger) -> None:
    content = tmp_path / "content"
    folder = _copy_pack(content, "rikki")
    (folder / "pack.yaml").write_text("id: rikki\ntitle: [\n", encoding="utf-8")
    server = make_server(content=content)
    ledger.bad_input("pack files: image of a pack that did not load")
    _assert_refused(_get(server, "rikki", DEMO_IMAGE), (folder / DEMO_IMAGE).read_bytes()[:40])


def test_a_fifo_in_a_pack_is_refused_and_never_opened(tmp_path: Path, make_server, ledger) -> None:
    content = tmp_path / "content"
    folder = _copy_pack(content, "putki")
    os.mkfifo(folder / "putki.png")
    server = make_server(content=content)
    ledger.bad_input("pack files: FIFO in a pack")
    _assert_refused(_get(server, "putki", "putki.png"))
    assert requests.get(server.url + "/healthz", timeout=5).ok
    home = requests.get(server.url + "/", timeout=10).text
    assert 'data-pack="putki"' not in home
    assert "only ordinary files are allowed in a pack" in server.log


def _check(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workshops.cli", "check", "--lang", "en", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_refuses_symlinks_anywhere_in_a_pack(tmp_path: Path, ledger) -> None:
    content = tmp_path / "content"
    top = _copy_pack(content, "ylin")
    (top / "passwd.png").symlink_to("/etc/passwd")
    deep = _copy_pack(content, "syva")
    (deep / "alikansio" / "toinen").mkdir(parents=True)
    (deep / "alikansio" / "toinen" / "kuva.svg").symlink_to(deep / DEMO_IMAGE)  # even one inside the pack
    linked_dir = _copy_pack(content, "kansiolinkki")
    (linked_dir / "etc").symlink_to("/etc", target_is_directory=True)  # must not be walked into
    loop = _copy_pack(content, "silmukka")
    (loop / "silmukka").symlink_to(loop, target_is_directory=True)

    for name, folder, bad in (
        ("symlink next to pack.yaml", top, top / "passwd.png"),
        ("symlink in a subfolder", deep, deep / "alikansio" / "toinen" / "kuva.svg"),
        ("symlinked folder", linked_dir, linked_dir / "etc"),
        ("symlink loop", loop, loop / "silmukka"),
    ):
        ledger.bad_input(f"pack files: check, {name}")
        run = _check(folder)
        assert run.returncode == 1, run.stdout + run.stderr
        assert f"{bad}:1:1: symlinks are not allowed in a pack" in run.stdout, run.stdout
        assert "ok:" not in run.stdout
        assert "Traceback" not in run.stderr
        assert "/etc/passwd" not in run.stdout and "root:" not in run.stdout

    # the whole content folder at once: the other packs are still checked
    _copy_pack(content, "hyva")
    run = _check(content)
    assert run.returncode == 1
    assert f"ok: {content / 'hyva'}/pack.yaml" in run.stdout
    assert run.stdout.count("symlinks are not allowed in a pack") == 4


def test_check_refuses_special_files_without_opening_them(tmp_path: Path, ledger) -> None:
    content = tmp_path / "content"
    folder = _copy_pack(content, "putki")
    os.mkfifo(folder / "putki.png")
    (folder / "sisalla").mkdir()
    os.mkfifo(folder / "sisalla" / "toinen")
    ledger.bad_input("pack files: check, FIFOs")
    run = _check(folder)  # a FIFO opened for reading would block until the timeout
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{folder / 'putki.png'}:1:1: only ordinary files are allowed in a pack" in run.stdout
    assert f"{folder / 'sisalla' / 'toinen'}:1:1: only ordinary files are allowed in a pack" in run.stdout

    fifo_yaml = _copy_pack(content, "putkiyaml")
    (fifo_yaml / "pack.yaml").unlink()
    os.mkfifo(fifo_yaml / "pack.yaml")
    ledger.bad_input("pack files: check, pack.yaml is a FIFO")
    run = _check(fifo_yaml)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{fifo_yaml / 'pack.yaml'}:1:1: only ordinary files are allowed in a pack" in run.stdout


def test_check_refuses_a_symlinked_pack_yaml(tmp_path: Path, ledger) -> None:
    content = tmp_path / "content"
    folder = _copy_pack(content, "linkki")
    real = tmp_path / "muualla.yaml"
    shutil.move(folder / "pack.yaml", real)
    (folder / "pack.yaml").symlink_to(real)
    ledger.bad_input("pack files: check, pack.yaml is a symlink")
    run = _check(folder)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{folder / 'pack.yaml'}:1:1: symlinks are not allowed in a pack" in run.stdout
