"""The `fichive` command: serve, set up, import, load demo content, rebuild the search index,
wrangle tags, back up and restore, and Django's own commands."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fichive.formats.services import ImportResult

logger = logging.getLogger("fichive.import")

# `fichive import` saves files a batch at a time, in one transaction each: at most this many
# files or bytes, so a batch never holds SQLite's write lock (or memory) for long.
IMPORT_BATCH_FILES = 50
IMPORT_BATCH_BYTES = 20 * 1024 * 1024


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
    from fichive.search.models import WorkDocument
    from fichive.works.models import Work

    call_command("migrate", interactive=False, verbosity=0)
    # Static files are public: readable by all (nginx may serve them), unlike the data dir.
    previous_umask = os.umask(0o022)
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    finally:
        os.umask(previous_umask)
    from fichive.lib.resanitize import stored_html_behind

    if stored_html_behind():
        print("Stored HTML was cleaned with an older sanitizer: cleaning it again "
              "(fichive resanitize).")
        _resanitize()
    if Work.objects.exists() and not WorkDocument.objects.exists():
        print("The search index is empty: building it (fichive reindex).")
        _reindex()
    if not args.no_demo:
        demo_load(out=print)
    return 0


def _with_progress(description: str, run: Callable[..., Any]) -> tuple[Any, float, Any]:
    """Call `run(progress=…)` under a rich progress bar (on a terminal) described as
    `description`; returns its result, the seconds it took and the console to report on."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(highlight=False, markup=False)
    started = time.monotonic()
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run(progress=progress)
    return result, time.monotonic() - started, console


def _reindex() -> int:
    """Rebuild the search index with a progress bar; returns how many works."""
    from fichive.search.services import search_reindex

    count, elapsed, console = _with_progress("Indexing works", search_reindex)
    console.print(f"Indexed {count} works in {elapsed:.1f} s.")
    return int(count)


def _resanitize() -> int:
    """Clean stored HTML behind today's allowlist again, with a progress bar; returns how many
    rows changed."""
    from fichive.lib.resanitize import stored_html_resanitize
    from fichive.lib.sanitize import SANITIZER_VERSION

    summary, elapsed, console = _with_progress("Cleaning stored HTML", stored_html_resanitize)
    details = ", ".join(f"{count} {name}" for name, count in summary.changed_by_model.items())
    console.print(f"Cleaned {summary.checked} rows with sanitizer version {SANITIZER_VERSION} "
                  f"in {elapsed:.1f} s; {summary.changed} changed"
                  + (f" ({details})." if details else "."))
    return int(summary.changed)


def cmd_resanitize(args: argparse.Namespace) -> int:
    """Clean stored user HTML (chapters, notes, comments, profiles, skins...) again when the
    sanitizer's allowlist changed since it was stored."""
    _django()
    _resanitize()
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the full-text search index from the works and chapters."""
    _django()
    _reindex()
    return 0


def cmd_recommendations(args: argparse.Namespace) -> int:
    """`fichive recommendations rebuild`: compare every posted work with every other again
    ("More like this"), with a progress bar; `refresh`: only the works marked stale."""
    _django()
    from fichive.recommendations.services import recommendations_rebuild, recommendations_refresh

    if args.recommendations_command == "refresh":
        taken = 0
        while done := recommendations_refresh():
            taken += done
        print(f"Compared {taken} changed work{'' if taken == 1 else 's'} again.")
        return 0
    count, elapsed, console = _with_progress("Comparing works", recommendations_rebuild)
    console.print(f"Compared {count} works in {elapsed:.1f} s.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    from fichive.demo.loader import demo_load

    demo_load(out=print)
    return 0


# `fichive serve`'s default shape, for a small machine (2 cores): a worker process per core
# (Python runs one thread at a time in each), and threads in each so that a request waiting
# on the disk, the database or a slow client doesn't hold up the others. bench/static_files.py
# --configs compares shapes.
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4


def gunicorn_argv(*, host: str, port: int, workers: int | None = None,
                  threads: int | None = None, app: str = "fichive.wsgi:application",
                  tasks: bool = False) -> list[str]:
    """The production gunicorn command line (the benchmarks serve other apps with it too)."""
    count = str(workers or os.environ.get("FICHIVE_WORKERS") or DEFAULT_WORKERS)
    # Threads in each worker: requests that wait on the database, Redis or the network
    # overlap without another process's memory.
    per_worker = str(threads or os.environ.get("FICHIVE_THREADS") or DEFAULT_THREADS)
    return [
        sys.executable, "-m", "gunicorn", app,
        "--bind", f"{host}:{port}", "--workers", count, "--threads", per_worker,
        # gunicorn's threaded worker, whatever the thread count: unlike its sync worker it
        # keeps a browser's connection open between requests (the page, then its stylesheets,
        # scripts and pictures on the same connection), holding idle ones in a poller rather
        # than in a thread. Five seconds covers a page and its files; a reader who comes back
        # a minute later opens a new connection.
        "--worker-class", "gthread", "--keep-alive", "5",
        "--access-logfile", "-", "--max-requests", "10000", "--max-requests-jitter", "500",
        # A PDF of a very long work takes tens of seconds to typeset (then it is cached).
        "--timeout", "120",
        # The background task worker, started and stopped with gunicorn (fichive/serving.py).
        *(["--config", "python:fichive.serving"] if tasks else []),
    ]


def page_cache_refusal(*, workers: int, environ: Mapping[str, str]) -> str:
    """Why `fichive serve` won't start with these workers and settings, or "": guests' page
    cache kept in each process's memory (FICHIVE_PAGE_CACHE on with FICHIVE_CACHE=memory and
    no FICHIVE_REDIS_URL) doesn't hear of changes made in another worker process, which would
    go on serving a deleted or restricted work from its own memory. One worker (any threads)
    is safe, and so is the default disk store, which every process shares."""
    # As settings.env_bool and env_choice read them (settings aren't loaded here: gunicorn
    # loads them).
    page_cache = environ.get("FICHIVE_PAGE_CACHE", "").strip().lower() in {"1", "true", "yes",
                                                                        "on"}
    in_memory = environ.get("FICHIVE_CACHE", "").strip().lower() == "memory"
    if (not page_cache or not in_memory or environ.get("FICHIVE_REDIS_URL", "").strip()
            or workers <= 1):
        return ""
    return (f"error: FICHIVE_PAGE_CACHE is on with FICHIVE_CACHE=memory, and {workers} worker "
            "processes would each keep guests' pages in their own memory: a work deleted, "
            "restricted or edited through one worker would still be served by the others. "
            "Use the disk cache every worker shares (unset FICHIVE_CACHE) or Redis "
            "(FICHIVE_REDIS_URL), or serve with --workers 1 (add --threads for more requests "
            "at once), or turn the page cache off (FICHIVE_PAGE_CACHE=off).")


def _forget_stored_pages() -> None:
    """Retire every page the disk store kept before this start: the database may have been
    changed meanwhile by something that doesn't announce changes (a restored file, another
    database under the same data dir)."""
    _django()
    from fichive.lib.cache import forget_disk_pages

    forget_disk_pages()


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve with gunicorn, a production WSGI server; static files come through WhiteNoise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    argv = gunicorn_argv(host=args.host, port=args.port, workers=args.workers,
                         threads=args.threads, tasks=not args.no_tasks)
    workers = argv[argv.index("--workers") + 1]
    refusal = page_cache_refusal(workers=int(workers) if workers.isdecimal() else 2,
                                 environ=os.environ)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    _forget_stored_pages()
    print(f"Fichive is serving on http://{args.host}:{args.port} (Ctrl+C stops it)", flush=True)
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run background tasks (notifications, mail, fan-out to subscribers) from the queue in
    the database until stopped; with --batch, run what is due and exit."""
    _django()
    from fichive.lib.tasks import run_worker

    return run_worker(batch=args.batch, interval=args.interval)


def cmd_generate(args: argparse.Namespace) -> int:
    """Fill an empty archive with a large generated one (for trying out and benchmarks)."""
    _django()
    from django.core.management import call_command

    from fichive.demo.corpus import generate

    call_command("migrate", interactive=False, verbosity=0)
    try:
        summary = generate(works=args.works, seed=args.seed, text_fraction=args.text_fraction,
                           batch=args.batch)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(summary.line())
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


# What to do about a failure that an import option would fix (ImportResult.field), in the
# command line's words; the web import form marks its own field instead.
_OPTION_ADVICE = {"fandoms": "give one (--fandom on the command line)"}


def _result_line(shown: str, result: ImportResult) -> str:
    """One story's line in an import's report: its new page, or why it was skipped or failed."""
    if result.copy_of is not None:
        return (f"{shown}: refused: this file is a download of /works/{result.copy_of} on this "
                "archive; pass --allow-copy to import a copy anyway")
    if result.status == "failed":
        advice = _OPTION_ADVICE.get(result.field)
        return f"{shown}: error: {result.reason}" + (f": {advice}" if advice else "")
    if result.status == "skipped":
        return f"{shown}: skipped: {result.reason}"
    assert result.work is not None  # noqa: S101 - created and updated results carry the work
    notes = [result.status] if result.status == "updated" else []
    notes += ["draft"] if result.work.is_draft else []
    suffix = f" ({', '.join(notes)})" if notes else ""
    return f"{shown} → /works/{result.work.pk}{suffix}"


def cmd_import(args: argparse.Namespace) -> int:
    """Import story files (a zip may hold many); one line per story, then a summary."""
    _django()
    from django.core.exceptions import ValidationError
    from rich.console import Console
    from rich.progress import Progress

    from fichive.accounts.services import user_get_or_create_for_import
    from fichive.formats.services import (
        MAX_IMPORT_BYTES,
        ImportOptions,
        ImportResult,
        works_import_files,
    )
    from fichive.tags.models import RATINGS

    console = Console(highlight=False, soft_wrap=True, markup=False)
    if args.rating and args.rating not in RATINGS:
        console.print(f"Unknown rating “{args.rating}”; use one of: {', '.join(RATINGS)}.")
        return 2
    try:
        user, created = user_get_or_create_for_import(username=args.author)
    except ValidationError as exc:
        console.print(f"--author {args.author}: {' '.join(exc.messages)}")
        return 2
    if created:
        console.print(f"Created the account “{user.username}” (it has no password yet).")
    choose = None
    if args.suggest_tags and args.accept_suggestions is None:
        if not sys.stdin.isatty():
            console.print("--suggest-tags asks about each story on a terminal; for a batch, "
                          "give --accept-suggestions MIN_CONFIDENCE (e.g. 0.7).")
            return 2
        choose = _suggestions_prompt(console)
    if args.accept_suggestions is not None and not 0 <= args.accept_suggestions <= 1:
        console.print("--accept-suggestions takes a confidence between 0 and 1 (e.g. 0.7).")
        return 2
    options = ImportOptions(title=args.title, fandoms=args.fandom, rating=args.rating,
                            pseud=user.default_pseud,
                            restricted=args.restricted, draft=args.draft,
                            split_chapters=args.split_chapters,
                            on_duplicate=args.on_duplicate, allow_copy=args.allow_copy,
                            accept_suggestions=args.accept_suggestions,
                            choose_suggestions=choose)
    files = _expand(args.paths)
    counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}

    def say(line: str) -> None:
        """A line of the report: through rich under the progress bar on a terminal, else
        written as it is (rich's rendering costs more per line than importing a story)."""
        if console.is_terminal:
            console.print(line)
        else:
            console.file.write(line + "\n")

    def report(path: Path, result: ImportResult) -> None:
        counts[result.status] += 1
        # zip members show as "stories.zip:a.txt"
        say(_result_line(f"{path}{result.name[len(path.name):]}", result))

    def read(path: Path) -> bytes | ImportResult:
        """The file's content, or the failed result that says why it can't be read."""
        try:
            if not path.is_file():
                raise FileNotFoundError(2, "no such file")
            if path.stat().st_size > MAX_IMPORT_BYTES:
                return ImportResult(name=path.name, status="failed", reason=(
                    f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"))
            return path.read_bytes()
        except OSError as exc:
            reason = "no such file" if isinstance(exc, FileNotFoundError) else (
                f"can't read it ({exc.strerror})")
            return ImportResult(name=path.name, status="failed", reason=reason)

    def import_batch(batch: list[tuple[Path, bytes]]) -> list[list[ImportResult]]:
        """Each file's results, saved in one transaction; when something unexpected breaks
        the batch, its files are imported again one by one so that only the broken one fails."""
        try:
            return works_import_files(files=[(p.name, data) for p, data in batch], user=user,
                                      options=options)
        except Exception as exc:  # one broken file must never stop the others
            if len(batch) > 1:
                return [import_batch([one])[0] for one in batch]
            path = batch[0][0]
            logger.info("importing %s failed", path, exc_info=True)
            return [[ImportResult(name=path.name, status="failed", reason=(
                f"unexpected problem ({type(exc).__name__}); nothing was created for it"))]]

    # Files are imported a batch at a time, each batch in one transaction (a commit per work
    # costs a disk flush), its new works validated one by one and written together; lines
    # are printed once the batch has committed.
    with Progress(console=console, transient=True,
                  disable=not console.is_terminal or choose is not None) as bar:
        task = bar.add_task("Importing", total=len(files))
        position = 0
        while position < len(files):
            lines: list[tuple[Path, ImportResult | None]] = []
            batch: list[tuple[Path, bytes]] = []
            size = 0
            while position < len(files) and len(batch) < IMPORT_BATCH_FILES and (
                    size < IMPORT_BATCH_BYTES):
                path = files[position]
                position += 1
                content = read(path)
                if isinstance(content, ImportResult):
                    lines.append((path, content))
                else:
                    lines.append((path, None))
                    batch.append((path, content))
                    size += len(content)
            saved = iter(import_batch(batch) if batch else [])
            for path, failure in lines:
                for result in [failure] if failure else next(saved):
                    report(path, result)
                bar.advance(task)
    done = counts["created"]
    extra = [f"{counts[k]} {k}" for k in ("updated", "skipped") if counts[k]]
    console.print(f"Imported {done} work{'s' if done != 1 else ''}"
                  f"{' (' + ', '.join(extra) + ')' if extra else ''}, {counts['failed']} failed.")
    return 1 if counts["failed"] else 0


def _suggestions_prompt(console: Any) -> Callable[[str, list[Any]], list[Any]]:
    """`fichive import --suggest-tags` on a terminal: each story's suggested tags, numbered,
    and the author's choice of them (Enter: those at the default confidence or above)."""
    from fichive.tags.suggestions import DEFAULT_THRESHOLD

    def choose(title: str, found: list[Any]) -> list[Any]:
        if not found:
            console.print(f"“{title}”: no tags suggested.")
            return []
        console.print(f"“{title}”: tags its text suggests:")
        for number, s in enumerate(found, 1):
            mark = "*" if s.confidence >= DEFAULT_THRESHOLD else " "
            console.print(f" {mark}{number:>3}. {s.type:<12} {s.confidence:.2f}  {s.name}"
                          f"   ({s.evidence[0]})")
        while True:
            answer = input("Add which? Enter: the starred ones; numbers (1,3,4); "
                           "all; none: ").strip().lower()
            if not answer:
                return [s for s in found if s.confidence >= DEFAULT_THRESHOLD]
            if answer == "all":
                return found
            if answer == "none":
                return []
            picked = [p.strip() for p in answer.replace(" ", ",").split(",") if p.strip()]
            if all(p.isdecimal() and 1 <= int(p) <= len(found) for p in picked):
                return [found[int(p) - 1] for p in picked]
            console.print(f"Answer with numbers from 1 to {len(found)}, “all” or “none”.")

    return choose


def cmd_import_efiction(args: argparse.Namespace) -> int:
    """Import an eFiction archive from its database or a dump; one line per story, then a
    summary. --write-mapping writes the default mapping instead of importing."""
    _django()
    from rich.console import Console
    from rich.progress import Progress

    from fichive.formats.efiction import (
        EfictionOptions,
        efiction_import,
        efiction_site_url,
    )
    from fichive.formats.importers.efiction.archive import ArchiveError
    from fichive.formats.importers.efiction.dump import read_dump
    from fichive.formats.importers.efiction.mapping import (
        mapping_default,
        mapping_load,
        mapping_to_toml,
    )
    from fichive.formats.importers.efiction.mysql import read_mysql

    console = Console(highlight=False, soft_wrap=True, markup=False)
    errors = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
    story_files = Path(args.story_files) if args.story_files else None
    if story_files is not None and not story_files.is_dir():
        errors.print(f"error: --story-files {story_files}: no such folder")
        return 2
    try:
        with console.status("Reading the archive…", spinner="dots") if console.is_terminal \
                else _nothing():
            if args.db:
                archive = read_mysql(args.db, prefix=args.prefix)
            else:
                archive = read_dump(Path(args.dump), prefix=args.prefix)
        if args.write_mapping:
            try:
                site = efiction_site_url(archive, given=args.site_url or "")
            except ArchiveError:
                site = ""
            target = Path(args.write_mapping)
            target.write_text(mapping_to_toml(mapping_default(archive), site=site),
                              encoding="utf-8")
            console.print(f"Wrote the default mapping to {target}; edit it, then import with "
                          f"--mapping {target}.")
            return 0
        mapping = (mapping_load(Path(args.mapping), archive=archive) if args.mapping
                   else mapping_default(archive))
        options = EfictionOptions(site_url=args.site_url or "", on_duplicate=args.on_duplicate,
                                  story_files=story_files)
        with Progress(console=console, transient=True,
                      disable=not console.is_terminal) as bar:
            task = bar.add_task("Importing", total=len(archive.rows("stories")))

            def report(result: ImportResult) -> None:
                console.print(_result_line(result.name, result))
                bar.advance(task)

            summary = efiction_import(archive=archive, mapping=mapping, options=options,
                                      on_result=report)
    except (ArchiveError, OSError) as exc:
        errors.print(f"error: {exc}")
        return 2
    console.print(summary.summary())
    return 1 if summary.failed else 0


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


def _backup_command(args: argparse.Namespace, *, restoring: bool) -> int:
    """`fichive backup PATH` / `fichive restore PATH [--force]`, with a progress bar on a
    terminal and a one-line summary (fichive/backups.py)."""
    _django()
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TimeRemainingColumn

    from fichive import backups

    console = Console(highlight=False, markup=False, soft_wrap=True)
    errors = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)
    path = Path(args.path)
    with Progress("[progress.description]{task.description}", BarColumn(),
                  TimeRemainingColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        try:
            if restoring:
                summary = backups.restore(path, force=args.force, progress=progress)
            else:
                summary = backups.backup(path, progress=progress)
        except backups.BackupError as exc:
            errors.print(f"error: {exc}")
            return 1
    console.print(summary.line("Restored" if restoring else "Backed up", path))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    return _backup_command(args, restoring=False)


def cmd_restore(args: argparse.Namespace) -> int:
    return _backup_command(args, restoring=True)


def cmd_suggest_tags(args: argparse.Namespace) -> int:
    """Read story files (plain text or HTML) and print the tags their text suggests: the
    archive's own tags a guest may know of, with confidence and evidence; --json for
    scripts."""
    _django()
    import json

    from fichive.tags.suggestions import ambiguous_names, suggest_tags

    if not 0 <= args.threshold <= 1:
        print("error: --threshold must be between 0 and 1", file=sys.stderr)
        return 2
    results: list[dict[str, Any]] = []
    failed = 0
    for path in _expand(args.paths):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            print(f"{path}: error: can't read it ({exc.strerror or 'no such file'})",
                  file=sys.stderr)
            failed += 1
            continue
        if b"\x00" in raw[:4096]:
            print(f"{path}: error: not a text or HTML file (save the story as .txt or .html)",
                  file=sys.stderr)
            failed += 1
            continue
        text = raw.decode("utf-8", errors="replace")
        found = suggest_tags(text=text, viewer=None, fandom_hint=args.fandom,
                             threshold=args.threshold)
        results.append({"file": str(path),
                        "suggestions": [s.as_json() for s in found],
                        "ambiguous": ambiguous_names(text=text)})
    if args.json:
        print(json.dumps(results if len(results) != 1 else results[0], ensure_ascii=False,
                         indent=2))
        return 1 if failed else 0
    for result in results:
        print(f"{result['file']}:")
        if not result["suggestions"]:
            print("  no suggestions")
        for s in result["suggestions"]:
            print(f"  {s['type']:<12} {s['confidence']:.2f}  {s['name']}")
            for line in s["evidence"][:3]:
                print(f"      {line}")
        for name, characters in result["ambiguous"].items():
            print(f"  (“{name}” could be {' or '.join(characters)}: not suggested)")
    return 1 if failed else 0


def cmd_train_tag_model(args: argparse.Namespace) -> int:
    """Train the additional-tags model on the works every visitor may see; kept in the data
    dir for the tag suggestions."""
    _django()
    from fichive.tags.suggestions.model import model_path, train_from_archive

    model, elapsed, console = _with_progress("Reading works", train_from_archive)
    console.print(f"Trained on {model.works} public works in {elapsed:.1f} s: "
                  f"{len(model.tags)} additional tags learnt; saved to {model_path()}.")
    return 0


def _tag_canonical(args: argparse.Namespace) -> str:
    from fichive.tags.selectors import tag_named
    from fichive.tags.services import tag_make_canonical

    tag = tag_make_canonical(actor=None, tag=tag_named(args.name))
    return f"“{tag.name}” is canonical."


def _tag_synonym(args: argparse.Namespace) -> str:
    from fichive.tags.selectors import tag_named
    from fichive.tags.services import tag_make_synonym

    tag = tag_make_synonym(actor=None, tag=tag_named(args.name), of=tag_named(args.of))
    return f"“{tag.name}” is a synonym of “{tag.merger.name if tag.merger else args.of}”."


def _tag_parent(args: argparse.Namespace) -> str:
    from fichive.tags.selectors import tag_named
    from fichive.tags.services import tag_add_parent

    tag = tag_named(args.name)
    fandoms = [tag_named(name, tag_type="fandom") for name in args.fandom]
    for fandom in fandoms:
        tag = tag_add_parent(actor=None, tag=tag, fandom=fandom)
    names = ", ".join(f"“{f.name}”" for f in fandoms)
    return f"“{tag.name}” belongs to {names}."


def _tag_meta(args: argparse.Namespace) -> str:
    from fichive.tags.selectors import tag_named
    from fichive.tags.services import tag_add_meta

    sub, meta = tag_named(args.name), tag_named(args.of)
    tag_add_meta(actor=None, sub=sub, meta=meta)
    return f"“{meta.name}” is a meta tag of “{sub.name}”."


def _tag_media(args: argparse.Namespace) -> str:
    from fichive.tags.selectors import media_by_name, tag_named
    from fichive.tags.services import tag_set_media

    fandom = tag_set_media(actor=None, fandom=tag_named(args.name),
                           media=media_by_name(args.category))
    return f"“{fandom.name}” is in {fandom.media}."


def _tag_wrangler(args: argparse.Namespace) -> str:
    from django.core.exceptions import ValidationError

    from fichive.accounts.models import User
    from fichive.accounts.services import wrangler_grant, wrangler_revoke

    user = User.objects.filter(username__iexact=args.name).first()
    if user is None:
        raise ValidationError(f"There is no user named “{args.name}”.")
    if args.revoke:
        wrangler_revoke(actor=None, user=user)
        still = " (as an admin they still wrangle)" if user.is_admin else ""
        return f"{user.username} is no longer a tag wrangler{still}."
    wrangler_grant(actor=None, user=user)
    return f"{user.username} is a tag wrangler."


def cmd_tag(args: argparse.Namespace) -> int:
    """Wrangle one tag through the same services as the wrangling pages; one line out."""
    _django()
    from django.core.exceptions import ValidationError

    try:
        message = args.tag_func(args)
    except ValidationError as exc:
        print(f"error: {' '.join(exc.messages)}", file=sys.stderr)
        return 1
    print(message)
    return 0


def cmd_invitations(args: argparse.Namespace) -> int:
    """Send invitations from the queue now (`send [N]`, N defaulting to the daily number),
    or say how the queue stands (`status`)."""
    _django()
    from django.core.exceptions import ValidationError

    from fichive.signups.selectors import (
        invitations_per_day,
        sent_from_queue_today,
        signup_policy,
        waiting,
    )
    from fichive.signups.services import invitations_send

    if args.invitations_command == "status":
        print(f"Sign-ups: {signup_policy()}; {waiting()} waiting in the queue; "
              f"{sent_from_queue_today()} sent today of {invitations_per_day()} a day.")
        return 0
    count = invitations_per_day() if args.count is None else args.count
    try:
        result = invitations_send(count=count)
    except ValidationError as exc:
        print(f"error: {' '.join(exc.messages)}", file=sys.stderr)
        return 1
    print(f"Sent {result.sent} invitation{'' if result.sent == 1 else 's'}; "
          f"{result.waiting} waiting in the queue.")
    if result.failed:
        print("error: a mail couldn't be sent; check the mail settings (the rest wait).",
              file=sys.stderr)
        return 1
    return 0


def _add_invitations_parser(sub: argparse._SubParsersAction) -> None:
    invitations = sub.add_parser("invitations", help="send invitations from the sign-up queue")
    actions = invitations.add_subparsers(dest="invitations_command", required=True,
                                         metavar="ACTION")
    send = actions.add_parser("send", help="send N invitations now (default: the daily number)")
    send.add_argument("count", type=int, nargs="?", default=None, metavar="N")
    actions.add_parser("status", help="how many wait, and how many were sent today")
    invitations.set_defaults(func=cmd_invitations)


def _add_tag_parser(sub: argparse._SubParsersAction) -> None:
    tag = sub.add_parser("tag", help="wrangle tags: canonical, synonyms, fandoms, meta, media")
    actions = tag.add_subparsers(dest="tag_command", required=True, metavar="ACTION")
    canonical = actions.add_parser("canonical", help="make a tag canonical")
    canonical.add_argument("name", metavar="NAME")
    canonical.set_defaults(tag_func=_tag_canonical)
    synonym = actions.add_parser("synonym", help="make a tag a synonym of a canonical tag")
    synonym.add_argument("name", metavar="NAME")
    synonym.add_argument("--of", required=True, metavar="CANONICAL")
    synonym.set_defaults(tag_func=_tag_synonym)
    parent = actions.add_parser("parent", help="add a parent fandom to a tag")
    parent.add_argument("name", metavar="NAME")
    parent.add_argument("--fandom", action="append", required=True, metavar="FANDOM",
                        help="a canonical fandom (repeat for several)")
    parent.set_defaults(tag_func=_tag_parent)
    meta = actions.add_parser("meta", help="give a canonical tag a meta tag")
    meta.add_argument("name", metavar="SUB")
    meta.add_argument("--of", required=True, metavar="META")
    meta.set_defaults(tag_func=_tag_meta)
    media = actions.add_parser("media", help="put a fandom in a media category")
    media.add_argument("name", metavar="FANDOM")
    media.add_argument("--category", required=True, metavar="CATEGORY",
                       help="e.g. \"Anime & Manga\"")
    media.set_defaults(tag_func=_tag_media)
    wrangler = actions.add_parser("wrangler", help="grant (or --revoke) the wrangler role")
    wrangler.add_argument("name", metavar="USERNAME")
    wrangler.add_argument("--revoke", action="store_true")
    wrangler.set_defaults(tag_func=_tag_wrangler)
    tag.set_defaults(func=cmd_tag)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fichive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the archive with gunicorn")
    serve.add_argument("--host", default=os.environ.get("FICHIVE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("FICHIVE_PORT", 8000)))
    serve.add_argument("--workers", type=int, default=None,
                       help=f"worker processes (FICHIVE_WORKERS; {DEFAULT_WORKERS})")
    serve.add_argument("--threads", type=int, default=None,
                       help=f"threads in each worker (FICHIVE_THREADS; {DEFAULT_THREADS})")
    serve.add_argument("--no-tasks", action="store_true",
                       help="don't start the task worker (run `fichive worker` on its own)")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background tasks (mail, notifications)")
    worker.add_argument("--batch", action="store_true", help="run what is due, then exit")
    worker.add_argument("--interval", type=float, default=1.0, metavar="S",
                        help="seconds between looks at an empty queue (default 1)")
    worker.set_defaults(func=cmd_worker)

    setup = sub.add_parser("setup", help="migrate, collect static files, load the demo")
    setup.add_argument("--no-demo", action="store_true", help="don't load demo content")
    setup.set_defaults(func=cmd_setup)

    resanitize = sub.add_parser("resanitize",
                                help="clean stored user HTML again with today's sanitizer")
    resanitize.set_defaults(func=cmd_resanitize)

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
    imp.add_argument("--split-chapters", action="store_true",
                     help="split HTML stories into chapters at their headings")
    imp.add_argument("--on-duplicate", choices=["skip", "update"], default="skip",
                     help="a story imported before (same AO3 work, story URL or file): "
                          "skip it (default) or update that work")
    imp.add_argument("--allow-copy", action="store_true",
                     help="import this archive's own downloads too (a copy of the work), "
                          "instead of refusing them")
    imp.add_argument("--suggest-tags", action="store_true",
                     help="read each story for tags (fandoms, characters, relationships, "
                          "additional tags) and ask which to add (on a terminal)")
    imp.add_argument("--accept-suggestions", type=float, default=None, metavar="MIN_CONFIDENCE",
                     help="add the tags the text suggests with at least this confidence "
                          "(0-1), without asking: for batches")
    imp.set_defaults(func=cmd_import)

    reindex = sub.add_parser("reindex", help="rebuild the full-text search index")
    reindex.set_defaults(func=cmd_reindex)

    recommendations = sub.add_parser("recommendations",
                                     help="\"More like this\": compare works again")
    actions = recommendations.add_subparsers(dest="recommendations_command", required=True,
                                             metavar="ACTION")
    actions.add_parser("rebuild", help="compare every posted work again (the whole archive)")
    actions.add_parser("refresh", help="compare the works changed since (as the task does)")
    recommendations.set_defaults(func=cmd_recommendations)

    gen = sub.add_parser("generate", help="fill an empty archive with generated works")
    gen.add_argument("--works", type=int, required=True, metavar="N", help="how many works")
    gen.add_argument("--seed", type=int, default=1, help="random seed (same seed, same archive)")
    gen.add_argument("--text-fraction", type=float, default=0.1, metavar="F",
                     help="share of works with generated prose (default 0.1); the others "
                          "get a placeholder paragraph per chapter")
    gen.add_argument("--batch", type=int, default=2000, metavar="B",
                     help="works written per transaction (default 2000)")
    gen.set_defaults(func=cmd_generate)

    backup = sub.add_parser("backup", help="write the whole archive (database, secret key, "
                                           "uploaded media) to one file")
    backup.add_argument("path", metavar="PATH", help="the backup file to write (a tar)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup made by `fichive backup` (stop "
                                             "the server first)")
    restore.add_argument("path", metavar="PATH")
    restore.add_argument("--force", action="store_true",
                         help="replace an archive that already has accounts or works")
    restore.set_defaults(func=cmd_restore)

    suggest = sub.add_parser("suggest-tags",
                             help="suggest tags for story files from their text")
    suggest.add_argument("paths", nargs="+", metavar="FILE")
    suggest.add_argument("--json", action="store_true", help="print JSON")
    suggest.add_argument("--threshold", type=float, default=0.5, metavar="C",
                         help="lowest confidence shown, 0-1 (default 0.5)")
    suggest.add_argument("--fandom", action="append", default=[],
                         help="a fandom the story is in (settles names fandoms share)")
    suggest.set_defaults(func=cmd_suggest_tags)
    train = sub.add_parser("train-tag-model",
                           help="train the additional-tags suggestion model on public works")
    train.set_defaults(func=cmd_train_tag_model)

    _add_tag_parser(sub)
    _add_invitations_parser(sub)

    efi = sub.add_parser(
        "import-efiction", help="import an eFiction 3.x archive (database or mysqldump file)",
        description="Import an eFiction 3.x archive: authors become accounts they can claim "
                    "by email (/claim), stories become works, series and reviews are kept.")
    source = efi.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", metavar="URL",
                        help="the archive's database: mysql://user:password@host:port/name")
    source.add_argument("--dump", metavar="FILE", help="a mysqldump file of the archive")
    efi.add_argument("--prefix", default="fanfiction_",
                     help="the table name prefix (default: fanfiction_)")
    efi.add_argument("--mapping", metavar="FILE",
                     help="a TOML file mapping ratings, categories and classes to tags")
    efi.add_argument("--write-mapping", metavar="FILE",
                     help="write the default mapping for this archive to FILE and stop")
    efi.add_argument("--site-url", metavar="URL",
                     help="the archive's address, for story URLs (default: from its settings)")
    efi.add_argument("--story-files", metavar="DIR",
                     help="the archive's folder holding stories/<uid>/<chapid>.txt")
    efi.add_argument("--on-duplicate", choices=["skip", "update"], default="skip",
                     help="a story imported before: skip it (default) or update its work")
    efi.set_defaults(func=cmd_import_efiction)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
