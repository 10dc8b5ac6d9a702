"""The server entry point: the only module that imports eventlet.

`workshops serve` calls serve(); eventlet's monkey patching has to happen
before sockets and threads are used, so it is done first thing here.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import socket
import sys
from pathlib import Path

from .logs import setup as setup_log

# A join storm of a whole school event arrives within seconds: a deep accept queue, and
# room for every phone, the projectors and the facilitators' tabs at once.
BACKLOG = 2048
MAX_CONNECTIONS = 5000
# A request's first line and headers must arrive within this time (slow-loris requests that
# hold a connection open forever are cut off); an idle keep-alive connection closes too.
HEADER_SECONDS = 10.0
# Connections one address may hold open at once when the kit faces the network itself. A
# phone holds one WebSocket, and up to six more for a moment while its page loads; a class of
# 30 behind one NAT address loading the page together needs ~210. The laptop itself is not
# limited; behind a proxy every connection comes from the proxy, which limits clients instead
# (docs/security.md).
CONNECTIONS_PER_ADDRESS = 256
# Young containers before a collection, then collections of each generation before the next
# (CPython's defaults: 700, 10, 10). See tune_gc().
GC_THRESHOLDS = (50_000, 20, 10)


def lan_address() -> str | None:
    """This machine's address on the local network, for the phones to use."""
    candidates: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            candidates.append(str(info[4][0]))
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
            "for more, start the kit from a shell where `ulimit -n %d` works",
            soft,
            fits,
            MAX_CONNECTIONS + 64,
        )
    return min(MAX_CONNECTIONS, fits)


class ConnectionShare:
    """Count open connections per address, and refuse one over the share before it is read."""

    def __init__(self, limit: int | None, exempt: frozenset[str] = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})):
        self.limit = limit
        self.exempt = exempt
        self.open: dict[str, int] = {}

    def take(self, address: str) -> bool:
        if self.limit is None or address in self.exempt:
            return True
        held = self.open.get(address, 0)
        if held >= self.limit:
            return False
        self.open[address] = held + 1
        return True

    def release(self, address: str) -> None:
        if self.limit is None or address in self.exempt:
            return
        held = self.open.get(address, 0) - 1
        if held > 0:
            self.open[address] = held
        else:
            self.open.pop(address, None)


_OVER_SHARE = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


class SharedListener:
    """The listening socket, handing the server only connections within their address's share."""

    def __init__(self, sock, share: ConnectionShare):
        self._sock = sock
        self.share = share

    def accept(self):
        while True:
            conn, addr = self._sock.accept()
            if self.share.take(addr[0]):
                return conn, addr
            with contextlib.suppress(OSError):
                conn.send(_OVER_SHARE)
            conn.close()

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


def kit_protocol(share: ConnectionShare, log: logging.Logger):
    """eventlet's HTTP protocol with a deadline for headers, a connection share and a clean log."""
    import eventlet
    import eventlet.wsgi

    class KitProtocol(eventlet.wsgi.HttpProtocol):
        close_connection: int  # http.server's flag: true closes the connection after this request

        def __init__(self, conn_state, server):
            try:
                super().__init__(conn_state, server)
            finally:
                share.release(conn_state[0][0])

        def _read_request_line(self):
            with eventlet.Timeout(HEADER_SECONDS, False):
                return super()._read_request_line()
            self.close_connection = 1
            return ""

        def parse_request(self):
            timer = eventlet.Timeout(HEADER_SECONDS)
            try:
                return super().parse_request()
            except eventlet.Timeout as exc:
                if exc is not timer:
                    raise
                self.close_connection = 1
                return False
            finally:
                timer.cancel()

        def log_message(self, format, *args):  # `format`: the standard library's parameter name
            # The standard library writes the client's address and the raw request line to
            # stderr here (a TLS hello on the HTTP port, a garbage request): neither may be logged.
            log.info("refused a malformed HTTP request")

        def log_request(self, code="-", size="-"):
            pass  # the access line (address, request line) that send_error also writes

    return KitProtocol


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
    content_dir: Path | list[Path],
    public_url: str | None = None,
    password: str | None = None,
    async_mode: str = "eventlet",
    proxy_hops: int = 0,
    keep_hours: float | None = None,
    allowed_hosts: tuple[str, ...] = (),
    accessibility_contact: str | None = None,
    database: str | None = None,
    log_format: str = "text",
) -> int:
    if proxy_hops and not password:
        # Behind a proxy every request looks like it comes from the proxy, often 127.0.0.1, and
        # X-Forwarded-For is whatever a client writes: "only this laptop" would mean anyone.
        print(
            "--behind-proxy tarvitsee ohjaajan salasanan: workshops serve --behind-proxy 1 --password <salasana>",
            file=sys.stderr,
        )
        print(
            "--behind-proxy needs a facilitator password: workshops serve --behind-proxy 1 --password <password>",
            file=sys.stderr,
        )
        return 2
    # Before the monkey patching: firewall-cmd runs as a plain subprocess, for a second at most.
    firewall_lines = _firewall_lines(host, port, proxy_hops)
    if async_mode == "eventlet":
        import warnings

        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif async_mode == "gevent":
        try:
            from gevent import monkey
        except ImportError:
            print('--async-mode gevent needs gevent: python3 -m pip install -e ".[gevent]"', file=sys.stderr)
            return 2
        monkey.patch_all()
    setup_log(log_format)
    log = logging.getLogger("workshops")
    max_connections = _raise_file_limit(log)

    from .app import DatabaseError, DataDirError, create_app
    from .extensions import socketio

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
        "ALLOWED_HOSTS": allowed_hosts,
    }
    if keep_hours is not None:
        settings["RETENTION_HOURS"] = keep_hours
    if accessibility_contact:
        settings["ACCESSIBILITY_CONTACT"] = accessibility_contact
    if database:
        settings["DATABASE_URL"] = database
        settings["RUN_BLOCKING"] = blocking_runner(async_mode)
    try:
        app = create_app(settings)
    except DataDirError as exc:
        # Running without a journal would acknowledge answers it cannot keep.
        # Bilingual like the start-up banner: the facilitator may read only Finnish.
        print(
            f"Tietokansioon {data_dir} ei voi kirjoittaa, joten vastauksia ei voisi tallentaa:"
            " työpajapakki ei käynnisty.",
            file=sys.stderr,
        )
        print("Valitse kansio, johon voit kirjoittaa: workshops serve --data-dir <kansio>", file=sys.stderr)
        print(f"{exc}. Nothing would be saved, so the kit does not start.", file=sys.stderr)
        print("Choose a folder you can write to: workshops serve --data-dir <folder>", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print("Tietokantaan ei voi tallentaa, joten työpajapakki ei käynnisty.", file=sys.stderr)
        print(f"{exc}. Nothing would be saved, so the kit does not start.", file=sys.stderr)
        return 2
    try:
        # Bound before anything says the kit is running: a port in use is reported first.
        listener = _listen(async_mode, host, port)
    except OSError as exc:
        print(
            f"Cannot listen on {host}:{port}: {exc.strerror}. Is the kit already running? Try --port 5001.",
            file=sys.stderr,
        )
        return 2
    journal = app.extensions["workshops"].journal
    _stop_on_sigterm(journal, log)
    tune_gc()
    local = (
        f"http://127.0.0.1{shown_port}/"
        if host in ("0.0.0.0", "::", "", "127.0.0.1")
        else f"http://{host}{shown_port}/"
    )
    if log_format == "json":
        _log_start(log, app, local, public_url, data_dir, database, firewall_lines)
    else:
        _print_banner(app, local, public_url, data_dir, content_dir, database, firewall_lines)
    try:
        if async_mode == "eventlet":
            import eventlet.wsgi

            share = ConnectionShare(None if proxy_hops else CONNECTIONS_PER_ADDRESS)
            # No access log: it would hold pupils' addresses and the keys in host links.
            eventlet.wsgi.server(
                SharedListener(listener, share),
                app,
                log_output=False,
                max_size=max_connections,
                keepalive=True,
                socket_timeout=60,
                protocol=kit_protocol(share, log),
            )
        elif async_mode == "gevent":
            from gevent import pywsgi

            # No access log (log=None), for the same reason; errors still go to the log.
            pywsgi.WSGIServer(listener, app, log=None, error_log=_QuietLog(log)).serve_forever()
        else:
            listener.close()
            socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)
    except KeyboardInterrupt:
        journal.close()
    return 0


def _print_banner(app, local: str, public_url, data_dir: Path, content_dir, database, firewall_lines) -> None:
    """The start-up lines a facilitator reads: the addresses, the join QR code, where data lives."""
    from .web.qr import qr_text

    print()
    print("  Työpajapakki on käynnissä · Workshop kit is running")
    print(f"  Ohjaaja (tällä koneella) · Facilitator (this computer): {local}")
    if public_url:
        print(f"  Puhelimet samassa verkossa · Phones on the same Wi-Fi: {public_url}/join")
        print()
        print(qr_text(f"{public_url}/join"))
    else:
        print("  No network address found: phones can join only once this computer is on a network.")
    if firewall_lines:
        print("\n".join(firewall_lines))
        print()
    packs = content_dir if isinstance(content_dir, list) else [content_dir]
    print(f"  Data: {data_dir}   Packs: {', '.join(str(p) for p in packs)}")
    if database:
        from urllib.parse import urlsplit

        where = urlsplit(database)  # never the password
        print(f"  Journal: PostgreSQL {where.hostname or 'local socket'}{where.path}")
    print(f"  Session data is deleted {app.config['RETENTION_HOURS']:g} h after a session's last action.")
    print("  Stop with Ctrl+C. Sessions go on where they were after a restart.")
    print()
    sys.stdout.flush()


def _log_start(log: logging.Logger, app, local: str, public_url, data_dir: Path, database, firewall_lines) -> None:
    """The banner as one log record (`--log-format json`): a server's log holds only records."""
    journal = "sqlite"
    if database:
        from urllib.parse import urlsplit

        where = urlsplit(database)  # never the user or the password
        journal = f"postgresql {where.hostname or 'local socket'}{where.path}"
    log.info(
        "running",
        extra={
            "local_url": local,
            "public_url": public_url,
            "data_dir": str(data_dir),
            "journal": journal,
            "retention_hours": app.config["RETENTION_HOURS"],
        },
    )
    if firewall_lines:
        log.warning("\n".join(line.strip() for line in firewall_lines if line.strip()))


def blocking_runner(async_mode: str):
    """How the PostgreSQL journal runs its database calls under this async mode.

    psycopg 3 waits for the server in C code (libpq and its own wait function): under eventlet that
    would stop every greenlet until the database answers, so each call runs in eventlet's pool of OS
    threads (tpool) while the hub goes on. psycopg itself makes gevent's patched waits cooperative,
    and threads need nothing: the call runs where it is made.
    """
    if async_mode == "eventlet":
        from eventlet import tpool

        return tpool.execute
    return None


def _firewall_lines(host: str, port: int, proxy_hops: int) -> list[str]:
    """The start-up lines about a firewall that probably keeps phones from the port (Linux only).

    Nothing when only this machine may connect, or behind a proxy (the proxy connects, not phones).
    """
    if proxy_hops or host in ("localhost", "::1") or host.startswith("127."):
        return []
    from . import firewall

    found = firewall.hint(firewall.read(port), port)
    return firewall.lines(found, port) if found is not None else []


def _listen(async_mode: str, host: str, port: int):
    """Bind the listening socket (monkey-patched, so it is the async library's own)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


class _QuietLog:
    """gevent's error log, through the kit's log: one line, no address, no request bytes."""

    def __init__(self, log: logging.Logger):
        self.log = log

    def write(self, text: str) -> None:
        if text.strip():
            self.log.info("the web server refused or failed a request")

    def flush(self) -> None:
        pass


def _stop_on_sigterm(journal, log: logging.Logger) -> None:
    """On SIGTERM (systemd, `kill`), close the journal cleanly, then exit.

    The handler only schedules the work: it may interrupt a journal write in this very thread,
    whose lock it must not take. The scheduled task waits for that lock like any other.
    """
    import os
    import signal

    from .extensions import socketio

    def shutdown() -> None:
        try:
            journal.close()
            log.info("stopped: the journal is closed")
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, lambda *_: socketio.start_background_task(shutdown))
