"""The server entry point: the only module that imports eventlet.

`workshops serve` calls serve(); eventlet's monkey patching has to happen
before sockets and threads are used, so it is done first thing here.
"""

from __future__ import annotations

import logging
import socket
import sys
from pathlib import Path


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


def _raise_file_limit(log: logging.Logger) -> None:
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit from %d; large classes may be refused", soft)


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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("workshops")
    _raise_file_limit(log)

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
        print(f"{exc}. Nothing would be saved, so the kit does not start.", file=sys.stderr)
        print("Choose a folder you can write to: workshops serve --data-dir <folder>", file=sys.stderr)
        return 2
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

            listener = eventlet.listen((host, port), backlog=1024, reuse_port=False)
            # No access log: it would hold pupils' addresses and the keys in host links.
            eventlet.wsgi.server(listener, app, log_output=False, max_size=4000, keepalive=True, socket_timeout=60)
        else:
            socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)
    except OSError as exc:
        print(f"Cannot listen on {host}:{port}: {exc.strerror}. Is the kit already running? Try --port 5001.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0
