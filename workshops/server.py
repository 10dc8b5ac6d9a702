"""The server entry point: the only module that imports eventlet.

`workshops serve` calls serve(); eventlet's monkey patching has to happen
before sockets and threads are used, so it is done first thing here.
"""

from __future__ import annotations

import gc
import logging
import socket
import sys
from pathlib import Path


# A join storm of a whole school event arrives within seconds: a deep accept queue, and
# room for every phone, the projectors and the facilitators' tabs at once.
BACKLOG = 2048
MAX_CONNECTIONS = 5000
# Young containers before a collection, then collections of each generation before the next
# (CPython's defaults: 700, 10, 10). See tune_gc().
GC_THRESHOLDS = (50_000, 20, 10)


def lan_address() -> str | None:
    """This machine's address on the local network, for the phones to use."""
    candidates: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            candidates.append(info[4][0])
    except OSError:
        pass
    try:
        # A UDP socket's connect() sends no packet; it only asks the OS which
        # interface would route to a private address.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.254.254.254", 9))
            candidates.insert(0, s.getsockname()[0])
    except OSError:
        pass
    for addr in candidates:
        if not addr.startswith("127.") and not addr.startswith("169.254."):
            return addr
    return None


def _raise_file_limit(log: logging.Logger) -> int:
    """Raise the open-file limit as far as allowed; return how many connections fit in it."""
    try:
        import resource
    except ImportError:  # Windows
        return MAX_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
            soft = want
        except (ValueError, OSError):
            pass
    # Each phone is one socket; keep some files for the journal, packs and the listener.
    fits = max(16, soft - 64)
    if fits < MAX_CONNECTIONS:
        log.warning(
            "the open-file limit is %d, so at most %d phones and screens can be connected at once; "
            "for more, start the kit from a shell where `ulimit -n %d` works", soft, fits, MAX_CONNECTIONS + 64)
    return min(MAX_CONNECTIONS, fits)


def tune_gc() -> None:
    """Collect cyclic garbage less often, and never look at what start-up loaded again.

    A session's state is rebuilt from immutable objects on every action, so a class allocates
    containers fast and the collector's default (every 700) ran 1,300 times in a 2,000-pupil
    join storm and vote: 1.5 s of 7.5 s of CPU. Almost everything the kit frees is freed by
    reference counting; the collector is only for the rare cycle (a traceback, a greenlet).
    The packs, translations and recovered sessions loaded at start-up live until the end.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve(
    host: str,
    port: int,
    data_dir: Path,
    content_dir: Path,
    public_url: str | None = None,
    password: str | None = None,
    async_mode: str = "eventlet",
    proxy_hops: int = 0,
    keep_hours: float | None = None,
) -> int:
    if async_mode == "eventlet":
        import warnings

        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif async_mode == "gevent":
        try:
            from gevent import monkey
        except ImportError:
            print("--async-mode gevent needs gevent: python3 -m pip install -e \".[gevent]\"", file=sys.stderr)
            return 2
        monkey.patch_all()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("workshops")
    max_connections = _raise_file_limit(log)

    from .app import DataDirError, create_app
    from .extensions import socketio
    from .web.qr import qr_text

    lan = lan_address()
    shown_port = "" if port == 80 else f":{port}"
    if public_url is None and host in ("0.0.0.0", "::", ""):
        public_url = f"http://{lan}{shown_port}" if lan else None
    elif public_url is None:
        public_url = f"http://{host}{shown_port}"
    settings = {
        "ASYNC_MODE": async_mode,
        "DATA_DIR": data_dir,
        "CONTENT_DIR": content_dir,
        "PUBLIC_URL": public_url,
        "FACILITATOR_PASSWORD": password,
        "PROXY_HOPS": proxy_hops,
    }
    if keep_hours is not None:
        settings["RETENTION_HOURS"] = keep_hours
    try:
        app = create_app(settings)
    except DataDirError as exc:
        # Running without a journal would acknowledge answers it cannot keep.
        # Bilingual like the start-up banner: the facilitator may read only Finnish.
        print(f"Tietokansioon {data_dir} ei voi kirjoittaa, joten vastauksia ei voisi tallentaa:"
              " työpajapakki ei käynnisty.", file=sys.stderr)
        print("Valitse kansio, johon voit kirjoittaa: workshops serve --data-dir <kansio>", file=sys.stderr)
        print(f"{exc}. Nothing would be saved, so the kit does not start.", file=sys.stderr)
        print("Choose a folder you can write to: workshops serve --data-dir <folder>", file=sys.stderr)
        return 2
    tune_gc()
    local = f"http://127.0.0.1{shown_port}/" if host in ("0.0.0.0", "::", "", "127.0.0.1") else f"http://{host}{shown_port}/"
    print()
    print("  Työpajapakki on käynnissä · Workshop kit is running")
    print(f"  Ohjaaja (tällä koneella) · Facilitator (this computer): {local}")
    if public_url:
        print(f"  Puhelimet samassa verkossa · Phones on the same Wi-Fi: {public_url}/join")
        print()
        print(qr_text(f"{public_url}/join"))
    else:
        print("  No network address found: phones can join only once this computer is on a network.")
    print(f"  Data: {data_dir}   Packs: {content_dir}")
    print(f"  Session data is deleted {app.config['RETENTION_HOURS']:g} h after a session's last action.")
    print("  Stop with Ctrl+C. Sessions go on where they were after a restart.")
    print()
    sys.stdout.flush()
    try:
        if async_mode == "eventlet":
            import eventlet
            import eventlet.wsgi

            listener = eventlet.listen((host, port), backlog=BACKLOG, reuse_port=False)
            # No access log: it would hold pupils' addresses and the keys in host links.
            eventlet.wsgi.server(listener, app, log_output=False, max_size=max_connections, keepalive=True,
                                 socket_timeout=60)
        elif async_mode == "gevent":
            from gevent import pywsgi

            # No access log (log=None), for the same reason; errors still go to the log.
            pywsgi.WSGIServer((host, port), app, backlog=BACKLOG, log=None).serve_forever()
        else:
            socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)
    except OSError as exc:
        print(f"Cannot listen on {host}:{port}: {exc.strerror}. Is the kit already running? Try --port 5001.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0
