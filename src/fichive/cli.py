"""The `fichive` command: serve, set up, import, load demo content, and Django's own commands."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger("fichive.import")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    import django

    django.setup()


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fichive manage", *args.args])
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    """Migrate, collect static files, and load the demo archive if it is empty."""
    _django()
    from django.core.management import call_command

    from fichive.demo.loader import demo_load

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not args.no_demo:
        demo_load(out=print)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    from fichive.demo.loader import demo_load

    demo_load(out=print)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve with gunicorn, a production WSGI server; static files come through WhiteNoise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    workers = str(args.workers or os.environ.get("FICHIVE_WORKERS") or 2)
    argv = [
        sys.executable, "-m", "gunicorn", "fichive.wsgi:application",
        "--bind", f"{args.host}:{args.port}", "--workers", workers,
        "--access-logfile", "-", "--max-requests", "10000", "--max-requests-jitter", "500",
    ]
    print(f"Fichive is serving on http://{args.host}:{args.port} (Ctrl+C stops it)", flush=True)
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
    return 0


def _expand(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        else:
            files.append(path)
    return files


def cmd_import(args: argparse.Namespace) -> int:
    """Import each file as one work; one line per file, then a summary."""
    _django()
    from rich.console import Console
    from rich.progress import Progress

    from fichive.accounts.services import user_get_or_create_for_import
    from fichive.formats.errors import ImportFailed
    from fichive.formats.services import MAX_IMPORT_BYTES, ImportOptions, work_import
    from fichive.tags.models import RATINGS

    console = Console(highlight=False, soft_wrap=True, markup=False)
    if args.rating and args.rating not in RATINGS:
        console.print(f"Unknown rating “{args.rating}”; use one of: {', '.join(RATINGS)}.")
        return 2
    user, created = user_get_or_create_for_import(username=args.author)
    if created:
        console.print(f"Created the account “{user.username}” (it has no password yet).")
    options = ImportOptions(title=args.title, fandoms=args.fandom, rating=args.rating,
                            restricted=args.restricted, draft=args.draft)
    files = _expand(args.paths)
    done = failed = 0
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("Importing", total=len(files))
        for path in files:
            try:
                if not path.is_file():
                    raise ImportFailed("no such file")
                if path.stat().st_size > MAX_IMPORT_BYTES:
                    raise ImportFailed(
                        f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
                work = work_import(data=path.read_bytes(), filename=path.name, user=user,
                                   options=options)
            except ImportFailed as exc:
                failed += 1
                console.print(f"{path}: error: {exc}")
            except OSError as exc:
                failed += 1
                console.print(f"{path}: error: can't read it ({exc.strerror})")
            except Exception as exc:  # one broken file must never stop the batch
                failed += 1
                logger.info("importing %s failed", path, exc_info=True)
                console.print(f"{path}: error: unexpected problem ({type(exc).__name__}); "
                              "nothing was created for it")
            else:
                done += 1
                state = " (draft)" if work.is_draft else ""
                console.print(f"{path} → /works/{work.pk}{state}")
            bar.advance(task)
    console.print(f"Imported {done} work{'s' if done != 1 else ''}, {failed} failed.")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fichive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the archive with gunicorn")
    serve.add_argument("--host", default=os.environ.get("FICHIVE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("FICHIVE_PORT", 8000)))
    serve.add_argument("--workers", type=int, default=None)
    serve.set_defaults(func=cmd_serve)

    setup = sub.add_parser("setup", help="migrate, collect static files, load the demo")
    setup.add_argument("--no-demo", action="store_true", help="don't load demo content")
    setup.set_defaults(func=cmd_setup)

    demo = sub.add_parser("demo", help="load the demo archive if the archive is empty")
    demo.set_defaults(func=cmd_demo)

    imp = sub.add_parser("import", help="import story files as works")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--author", default="imported",
                     help="account to credit (created if missing); default: imported")
    imp.add_argument("--title", default=None)
    imp.add_argument("--fandom", action="append", default=[])
    imp.add_argument("--rating", default=None)
    imp.add_argument("--restricted", action="store_true")
    imp.add_argument("--draft", action="store_true")
    imp.set_defaults(func=cmd_import)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
