"""Smoke-test an installed wheel from outside the checkout: check the shipped packs, start the
kit on a free port, and fetch a page, a pupil page's static files and a pack image.

Run with the Python of a virtual environment that has only the wheel installed:
    venv/bin/python .ci/wheel_smoke.py
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="wheel-smoke-"))
    os.chdir(work)  # nothing of the checkout may be found from here
    check = subprocess.run([str(BIN / "workshops"), "check"], capture_output=True, text=True)
    print(check.stdout, check.stderr, sep="", end="")
    if check.returncode != 0 or "site-packages" not in check.stdout:
        print("wheel smoke: `workshops check` failed or did not check the packaged packs", file=sys.stderr)
        return 1
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "workshops"), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(work / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                print(server.stdout.read() if server.stdout else "", file=sys.stderr)
                print("wheel smoke: the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        status, home, _ = get(base + "/")
        # A pack's cover on the home page, or else a picture the demo pack shows on a slide.
        cover = re.search(rb"/media/[\w-]+/[\w.-]+\.(?:svg|png|jpe?g|webp)", home)
        paths = [
            "/",
            "/join",
            "/privacy",
            "/static/css/kit.css",
            "/static/js/play.js",
            cover.group(0).decode() if cover else "/media/esittely/tervetuloa.svg",
        ]
        for path in paths:
            status, body, kind = get(base + path)
            print(f"  {status} {path} ({kind}, {len(body)} bytes)")
            if status != 200 or not body:
                failures.append(path)
    finally:
        server.terminate()
        try:
            out, _ = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            out, _ = server.communicate()
    if "block list" in out:  # "no nickname block list found": typed nicknames would go unfiltered
        failures.append("the nickname block list")
        print(out, file=sys.stderr)
    if failures:
        print(f"wheel smoke: failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    print("wheel smoke: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
