"""The `workshops` command: serve the kit, check packs, write the JSON Schema."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .config import PROJECT_ROOT, SHIPPED_CONTENT, default_data_dir


def _missing_folder(path: Path, example: str) -> str:
    """Say, in Finnish and English, that a folder given on the command line is not there."""
    return (
        f"Kansiota {path} ei ole. Anna kansio, jossa on pakettikansioita (joissa kussakin pack.yaml),"
        f" esim. {example}\n"
        f"The folder {path} does not exist. Give a folder that holds pack folders (each with a pack.yaml),"
        f" e.g. {example}"
    )


def _cmd_serve(args: argparse.Namespace) -> int:
    extra = [Path(p).expanduser() for p in args.content or []]
    for folder in extra:
        if not folder.is_dir():
            print(_missing_folder(folder, "workshops serve --content ~/tyopajat"), file=sys.stderr)
            return 2
    from .server import serve  # imports eventlet: only here

    from_environment = _password_from_environment()  # taken out of the environment either way
    return serve(
        host=args.host,
        port=args.port,
        data_dir=Path(args.data_dir) if args.data_dir else default_data_dir(),
        content_dir=[SHIPPED_CONTENT, *extra],
        public_url=args.public_url,
        password=args.password or from_environment,
        async_mode=args.async_mode,
        proxy_hops=args.behind_proxy,
        keep_hours=args.keep_hours,
        allowed_hosts=tuple(args.allow_host),
        accessibility_contact=args.accessibility_contact,
        database=args.database,
        log_format=args.log_format,
    )


#: where `workshops serve` reads the facilitator password when --password is not given: a
#: systemd EnvironmentFile readable by root only, say, so that it is not on the command line,
#: which every user of the machine can read (`ps`)
PASSWORD_VARIABLE = "WORKSHOPS_PASSWORD"


def _password_from_environment() -> str | None:
    # Taken out of the environment as it is read: no program the kit starts inherits it.
    return os.environ.pop(PASSWORD_VARIABLE, None) or None


def _cmd_check(args: argparse.Namespace) -> int:
    from .packs import find_pack_dirs, load_pack
    from .packs.messages import Msg, choose_language

    lang = choose_language(args.lang)
    paths = [Path(p).expanduser() for p in args.paths] or [SHIPPED_CONTENT]
    for path in paths:
        if not path.exists():
            example = "workshops check ~/tyopajat/oma-paketti"
            print(Msg("check.no_folder", path=path, example=example).render(lang), file=sys.stderr)
            return 1
    folders = find_pack_dirs(paths)
    if not folders:
        print(Msg("check.no_packs").render(lang), file=sys.stderr)
        return 1
    errors = warnings = 0
    for folder in folders:
        result = load_pack(folder)
        for problem in result.problems:
            print(problem.format(lang))
            if problem.severity == "error":
                errors += 1
            else:
                warnings += 1
        if result.ok and result.pack is not None and not args.quiet:
            print(Msg("check.ok", file=f"{folder}/pack.yaml", steps=len(result.pack.agenda)).render(lang))
    if errors or warnings:
        summary = Msg("check.summary", errors=errors, warnings=warnings, packs=len(folders))
        print(summary.render(lang), file=sys.stderr)
    return 1 if errors else 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from .packs.schema import SCHEMA_FILES, schema_text, shipped_schema_path

    if args.print_path:
        # For an editor's `$schema=` line: the copy the kit ships (in a wheel too), not this folder's.
        shipped = shipped_schema_path(args.lang or "fi")
        if not shipped.is_file():
            print(f"the kit's schema is missing: {shipped}", file=sys.stderr)
            return 1
        print(shipped)
        return 0
    # -o writes one schema (Finnish unless --lang); otherwise both, or the one --lang names, in content/.
    if args.output:
        targets = [(Path(args.output), args.lang or "fi")]
    else:
        langs = [args.lang] if args.lang else list(SCHEMA_FILES)
        targets = [(PROJECT_ROOT / "content" / SCHEMA_FILES[lang], lang) for lang in langs]
    stale = 0
    for target, lang in targets:
        text = schema_text(lang)
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                print(f"{target} is stale: run `workshops schema`", file=sys.stderr)
                stale += 1
            else:
                print(f"{target} is up to date")
        elif str(target) == "-":
            sys.stdout.write(text)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
    return 1 if stale else 0


def _cmd_new(args: argparse.Namespace) -> int:
    from .packs.scaffold import create

    ask = input if sys.stdin.isatty() else None  # a script or a pipe gets the defaults, not questions
    return create(args.folder, args.id, args.title, args.minutes, args.ages, args.sv, ask)


def _cmd_migrate(args: argparse.Namespace) -> int:
    from .packs import find_pack_dirs
    from .packs.migrate import MigrateError, YamlError, migrate_file

    paths = [Path(p).expanduser() for p in args.paths]
    changed = failed = 0
    for folder in find_pack_dirs(paths):
        file = folder / "pack.yaml"
        try:
            changes = migrate_file(file)
        except (OSError, YamlError, MigrateError) as exc:  # that file is left as it was; go on with the rest
            print(f"{file}: not migrated: {exc}", file=sys.stderr)
            failed += 1
            continue
        for change in changes:
            print(f"{file}:{change.line}: {change.what}")
        changed += bool(changes)
    print(
        f"{changed} pack(s) migrated, {failed} left as they were; run `workshops check` on them next", file=sys.stderr
    )
    return 1 if failed else 0


def _cmd_stats(args: argparse.Namespace) -> int:
    """Count the statistics records, or delete those of sessions before a day (docs/data-map.md)."""
    from .sessions.journal import JournalError
    from .sessions.statstore import StatError, open_store

    try:
        if args.database:  # the journal's migrations make the table (as when the server starts)
            from .sessions.pgjournal import PgJournal

            PgJournal(args.database).close()
        store = open_store(Path(args.data_dir) if args.data_dir else default_data_dir(), args.database)
    except (JournalError, StatError, ImportError) as exc:
        print(f"cannot open the statistics: {exc}", file=sys.stderr)
        return 1
    try:
        if args.delete_before:
            gone = store.delete_before(args.delete_before)
            print(f"deleted {gone} statistics record(s) of sessions before {args.delete_before}")
        records = store.all()
        first, last = (records[0]["date"], records[-1]["date"]) if records else ("-", "-")
        print(f"{len(records)} statistics record(s), {first} to {last}")
    except StatError as exc:
        print(f"cannot use the statistics: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _day(text: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"give a day as YYYY-MM-DD, e.g. 2026-01-01, not {text!r}") from None


def _positive_hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not 0 < hours <= 24 * 365:
        raise argparse.ArgumentTypeError("give hours between 0 and 8760, e.g. 24 or 0.5")
    return hours


def _contact_address(text: str) -> str:
    """An e-mail address or an http(s) web address, for the accessibility statement's feedback."""
    value = text.strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    web = value.lower().startswith(("https://", "http://")) and "." in value.split("//", 1)[1]
    mail = "@" in value and "." in value.rsplit("@", 1)[1] and not any(c.isspace() for c in value)
    if not (web or mail):
        raise argparse.ArgumentTypeError(
            f"not an e-mail or web address: {text!r} (e.g. saavutettavuus@example.fi or https://example.fi/palaute)"
        )
    return value


def _database_url(text: str) -> str:
    """A PostgreSQL address for the journal (the SQLite file in --data-dir is the default)."""
    if not text.lower().startswith(("postgresql://", "postgres://")):
        raise argparse.ArgumentTypeError(
            "give a PostgreSQL address, e.g. postgresql://workshops@db.example.fi/workshops"
            " (leave --database out to keep the journal in the data folder)"
        )
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workshops", description="Live classroom workshop kit.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the kit (eventlet) for a classroom")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0: the whole network)")
    serve.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    serve.add_argument("--data-dir", help=f"where the journal and the secret key live (default {default_data_dir()})")
    serve.add_argument(
        "--database",
        type=_database_url,
        metavar="URL",
        help="keep the journal in PostgreSQL, e.g. postgresql://workshops@db.example.fi/workshops (needs the "
        "[postgres] extra; a password is better in ~/.pgpass or PGPASSWORD than here); default: SQLite in --data-dir",
    )
    serve.add_argument(
        "--content",
        action="append",
        metavar="DIR",
        help="a folder of your own packs, besides the shipped ones (a pack of the same id replaces "
        "the shipped one); may be given more than once",
    )
    serve.add_argument(
        "--public-url", help="address phones use, e.g. https://kit.example.fi (default: this machine's LAN address)"
    )
    serve.add_argument(
        "--password",
        help="facilitator password: lets other machines start sessions (hosted installs); "
        f"default: the {PASSWORD_VARIABLE} environment variable, which keeps it off the command line",
    )
    serve.add_argument(
        "--behind-proxy",
        type=int,
        default=0,
        metavar="N",
        help="the kit runs behind N reverse proxies: trust their X-Forwarded-For/-Proto/-Host headers",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        default=[],
        help="another host name this kit answers to, besides loopback, its own addresses, its host name and the "
        "--public-url host (may be given more than once)",
    )
    serve.add_argument(
        "--keep-hours",
        type=_positive_hours,
        metavar="H",
        help="delete a session's data this many hours after its last action (default 24)",
    )
    serve.add_argument(
        "--accessibility-contact",
        type=_contact_address,
        metavar="ADDRESS",
        help="the organisation's e-mail or web address for accessibility feedback, shown in the "
        "accessibility statement at /accessibility (default: none; readers are asked to tell the facilitator)",
    )
    serve.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="the log on standard error: a line of text per event (default), or one JSON object per line "
        "(time, level, logger, message and the event's fields) for a log collector",
    )
    serve.add_argument(
        "--async-mode",
        default="eventlet",
        choices=["eventlet", "gevent", "threading"],
        help="the server's concurrency library (default eventlet; gevent needs the [gevent] extra)",
    )
    serve.set_defaults(func=_cmd_serve)

    check = sub.add_parser("check", help="validate content packs; prints file:line:col problems")
    check.add_argument(
        "paths", nargs="*", help="pack folders, pack.yaml files, or folders of packs (default: content/)"
    )
    check.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    check.add_argument(
        "--lang",
        choices=["fi", "sv", "en"],
        help="the messages' language (default: from LANGUAGE/LC_ALL/LC_MESSAGES/LANG if fi, sv or en, else fi)",
    )
    check.set_defaults(func=_cmd_check)

    migrate = sub.add_parser(
        "migrate", help="bring packs written for an older kit up to date (stations' words), keeping what they showed"
    )
    migrate.add_argument("paths", nargs="+", help="pack folders, pack.yaml files, or folders of packs")
    migrate.set_defaults(func=_cmd_migrate)

    schema = sub.add_parser("schema", help="write the JSON Schema of packs (for editor autocompletion)")
    schema.add_argument(
        "-o",
        "--output",
        help="file to write, or - for stdout (default: content/pack.schema.json and content/pack.schema.sv.json)",
    )
    schema.add_argument("--check", action="store_true", help="fail if a file is not up to date")
    schema.add_argument(
        "--print-path", action="store_true", help="print where the kit's own schema file is (for `$schema=` lines)"
    )
    schema.add_argument(
        "--lang", choices=["fi", "sv"], help="only the schema with Finnish (fi) or Swedish (sv) explanations"
    )
    schema.set_defaults(func=_cmd_schema)

    new = sub.add_parser("new", help="start a new pack: pack.yaml and a cover that pass `workshops check`")
    new.add_argument("folder", nargs="?", help="the pack's folder; its name is the pack's id (default: from the title)")
    new.add_argument("--id", help="the pack's id, if no folder is given (a folder of that name is made here)")
    new.add_argument("--title", help="the workshop's name")
    new.add_argument("--minutes", help="how long the workshop takes (default 45)")
    new.add_argument("--ages", help="the age group, e.g. 11-16, or aikuiset for adults (default 13-15)")
    new.add_argument("--sv", action="store_true", help="translate the pack into Swedish too")
    new.set_defaults(func=_cmd_new)

    stats = sub.add_parser(
        "stats", help="count the statistics records, or delete old ones (they hold no pupil data: docs/data-map.md)"
    )
    stats.add_argument("--data-dir", help=f"the kit's data folder (default {default_data_dir()})")
    stats.add_argument("--database", type=_database_url, help="the district server's PostgreSQL database instead")
    stats.add_argument(
        "--delete-before", type=_day, metavar="YYYY-MM-DD", help="delete the records of sessions before this day"
    )
    stats.set_defaults(func=_cmd_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
