"""`python -m bot ingest`: articles and web pages into the YAML entries of data/sources/.

Three ways in: one article or page (`ingest page.md`, `ingest https://...`), printed or written
with `-o`; every source of the manifest `data/sources.yaml` (`ingest --all`); or some of them
(`ingest --only ID`). Whatever is generated is checked with the loader's own checks, together
with the rest of the data directory, before anything is written; one bad input and nothing is.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot import webpage
from bot.commands._engine import add_data_argument, load_settings_for, missing_data_dir
from bot.commands._generated import (
    check_outputs,
    located,
    read_article,
    render_yaml,
    title_from_name,
)
from bot.core import Problem
from bot.core.ingest import IngestedArticle, ingest_article, slugify
from bot.core.manifest import (
    ARTICLES_DIR,
    FORMATS,
    MANIFEST_FILE,
    Manifest,
    ManifestSource,
    parse_manifest,
)
from bot.core.model import SOURCE_KINDS
from bot.core.yamlfile import YamlFileError, read_yaml

HELP = "turn articles and web pages (Markdown, HTML, plain text) into entries for data/sources/"

SOURCE_ID_LIMIT = 40
DATA_MARKERS = ("curation.yaml", "glossary.yaml", MANIFEST_FILE)


class IngestError(Exception):
    """A one-line reason this run writes nothing."""


@dataclass(frozen=True, slots=True)
class Job:
    """One source to ingest: where it comes from, what it is called, where it goes."""

    origin: str  # a file path (as given, or resolved against the data directory) or a URL
    title: str | None
    source_id: str | None
    kind: str
    fmt: str = "auto"
    output: str | None = None  # relative to the data directory, when there is one
    entry: ManifestSource | None = None


@dataclass(frozen=True, slots=True)
class Made:
    """An ingested source, rendered, ready to be checked and written."""

    job: Job
    article: IngestedArticle
    text: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ARTICLE, --all, --only, --data, --source, --id, --kind, --format and -o."""
    parser.add_argument(
        "article",
        nargs="?",
        metavar="ARTICLE",
        help="a file (Markdown, HTML or plain text) or an https:// address",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help=f"regenerate every source listed in DATA/{MANIFEST_FILE}",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="ID",
        help=f"regenerate this source of DATA/{MANIFEST_FILE} (repeatable)",
    )
    add_data_argument(parser, " (for --all and --only, and to check the output against)")
    parser.add_argument("--source", metavar="TITLE", help="the article's title")
    parser.add_argument(
        "--id",
        dest="source_id",
        metavar="SOURCE_ID",
        help="source id, the prefix of every entry id (default: made from the title)",
    )
    parser.add_argument(
        "--kind", choices=SOURCE_KINDS, default="article", help="kind of source (default: article)"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="how to read ARTICLE (default: from its suffix or content type)",
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT.yaml", help="write here instead of standard output"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=webpage.TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"give up on a web page after this long (default: {webpage.TIMEOUT_SECONDS:g})",
    )


def run(args: argparse.Namespace) -> int:
    """Ingest, check, then write (or print); one line on stderr for whatever went wrong."""
    try:
        if not args.timeout > 0:
            raise IngestError(f"--timeout must be more than 0 seconds, not {args.timeout:g}")
        if args.all or args.only:
            return _run_manifest(args)
        return _run_one(args)
    except IngestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


# One article ------------------------------------------------------------------------------------


def _run_one(args: argparse.Namespace) -> int:
    if not args.article:
        raise IngestError("name an article or page to ingest, or use --all (see --help)")
    output = Path(args.output) if args.output else None
    if args.data and not Path(args.data).is_dir():
        try:
            missing = missing_data_dir(args, load_settings_for(args))
        except (ValueError, OSError) as error:
            raise IngestError(str(error)) from None
        raise IngestError(missing or f"{args.data} is not a directory")
    data_dir = Path(args.data) if args.data else _data_dir_around(output)
    relative = _relative_output(output, data_dir)
    if relative is not None and relative.split("/")[0] == ARTICLES_DIR:
        raise IngestError(
            f"{args.output}: is under {ARTICLES_DIR}/, which holds articles and is never loaded; "
            "write it to sources/"
        )
    job = Job(args.article, args.source, args.source_id, args.kind, args.format, relative)
    made = _make(job, _one_off_header(args), args.timeout)
    key = made.job.output or f"sources/{made.article.source_id}.new.yaml"
    shown = {} if made.job.output else {key: args.output or "the generated YAML"}
    problems, elsewhere = check_outputs({key: made.text}, data_dir)
    if problems:
        raise IngestError(_refusal(problems, data_dir, shown))
    if output is None:
        sys.stdout.write(made.text)
    else:
        _write(output, made.text, args.output)
    _report(made, str(output) if output else "standard output")
    return _next_step(data_dir, elsewhere)


def _data_dir_around(output: Path | None) -> Path | None:
    """The data directory an output file is written into, found by its hand-made files."""
    if output is None:
        return None
    for folder in list(output.resolve().parents)[:2]:
        if any((folder / marker).is_file() for marker in DATA_MARKERS):
            return folder
    return None


def _relative_output(output: Path | None, data_dir: Path | None) -> str | None:
    if output is None or data_dir is None:
        return None
    try:
        return output.resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return None


def _one_off_header(args: argparse.Namespace) -> list[str]:
    return [
        f"# Made with: {_command_line(args)}",
        f"# To regenerate it from anywhere, list it in {MANIFEST_FILE} and run "
        "`python -m bot ingest --all`.",
    ]


def _command_line(args: argparse.Namespace) -> str:
    origin = args.article if webpage.is_url(args.article) else _shown_path(args.article)
    parts = ["python", "-m", "bot", "ingest", origin]
    for flag, value in (("--source", args.source), ("--id", args.source_id)):
        if value:
            parts += [flag, value]
    parts += ["--kind", args.kind]
    if args.format != "auto":
        parts += ["--format", args.format]
    if args.output:
        parts += ["-o", _shown_path(args.output)]
    return shlex.join(parts)


def _shown_path(path: str) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(path).as_posix()


# The manifest -----------------------------------------------------------------------------------


def _run_manifest(args: argparse.Namespace) -> int:
    if args.article:
        raise IngestError("give either ARTICLE or --all/--only, not both")
    try:
        settings = load_settings_for(args)
    except (ValueError, OSError) as error:
        raise IngestError(str(error)) from None
    missing = missing_data_dir(args, settings)
    if missing is not None:
        raise IngestError(missing)
    data_dir = Path(args.data or settings.knowledge.data_dir)
    manifest = read_manifest(data_dir)
    chosen = _chosen(manifest, args.only, data_dir)
    made = [
        _make(_job_of(entry, data_dir), _manifest_header(entry, data_dir), args.timeout)
        for entry in chosen
    ]
    problems, elsewhere = check_outputs({m.job.output or "": m.text for m in made}, data_dir)
    if problems:
        raise IngestError(_refusal(problems, data_dir))
    for item in made:
        target = data_dir / (item.job.output or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, item.text, str(target))
    for item in made:
        _report(item, str(data_dir / (item.job.output or "")))
    return _next_step(data_dir, elsewhere)


def read_manifest(data_dir: Path) -> Manifest:
    """The manifest of `data_dir`; IngestError naming the file and line of its first problem."""
    path = data_dir / MANIFEST_FILE
    if not path.is_file():
        raise IngestError(
            f"{path}: not found; list your sources there (see README, 'Making it yours') "
            "or pass --data DIR"
        )
    try:
        data = read_yaml(path)
    except YamlFileError as error:
        raise IngestError(f"{path}: {error}") from None
    manifest, problems = parse_manifest(data)
    if problems:
        raise IngestError(_refusal(problems, data_dir))
    if not manifest.sources:
        raise IngestError(f"{path}: lists no sources")
    return manifest


def _chosen(manifest: Manifest, only: list[str] | None, data_dir: Path) -> list[ManifestSource]:
    if not only:
        return list(manifest.sources)
    chosen = []
    for source_id in only:
        entry = manifest.get(source_id)
        if entry is None:
            import difflib

            known = [s.id for s in manifest.sources]
            close = difflib.get_close_matches(source_id, known, n=1)
            hint = f"; closest: {close[0]}" if close else f"; it lists {', '.join(known)}"
            raise IngestError(f"{data_dir / MANIFEST_FILE}: has no source {source_id!r}{hint}")
        chosen.append(entry)
    return chosen


def _job_of(entry: ManifestSource, data_dir: Path) -> Job:
    origin = entry.url or str(data_dir / (entry.path or ""))
    return Job(origin, entry.title, entry.id, entry.kind, entry.format, entry.output, entry)


def _manifest_header(entry: ManifestSource, data_dir: Path) -> list[str]:
    name = data_dir.resolve().name or "data"
    return [
        f"# Made from source {entry.id!r} of {name}/{MANIFEST_FILE} ({entry.origin}).",
        f"# Regenerate with: python -m bot ingest --data {shlex.quote(name)} --only {entry.id}",
        f"# (run from the folder that holds {name}/), or all of them: python -m bot ingest --all",
    ]


# Ingesting ---------------------------------------------------------------------------------------


def _make(job: Job, header: list[str], timeout: float) -> Made:
    try:
        text, fmt, found_title = read_article(job.origin, job.fmt, timeout)
    except webpage.InputError as error:
        raise IngestError(str(error)) from None
    title = job.title or found_title or title_from_name(job.origin)
    source_id = job.source_id or slugify(title, SOURCE_ID_LIMIT) or "source"
    try:
        article = ingest_article(text, source_id=source_id, title=title, kind=job.kind, fmt=fmt)
    except ValueError as error:
        raise IngestError(f"{job.origin}: {error}") from None
    if not article.entries:
        raise IngestError(f"{job.origin}: has no text to make entries from")
    url = job.origin if webpage.is_url(job.origin) else None
    return Made(job, article, render_yaml(article, header, url))


# Checking, writing, reporting -------------------------------------------------------------------


def _refusal(
    problems: list[Problem], data_dir: Path | None, shown: dict[str, str] | None = None
) -> str:
    first = located(problems[0], data_dir, shown)
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"nothing written: {first}{more}"


def _write(path: Path, text: str, shown: str) -> None:
    """Replace the file in one step, so a failed run never leaves half a file."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, prefix=f".{path.name}.", delete=False
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError as error:
        raise IngestError(f"cannot write {shown}: {error.strerror or error}") from None


def _report(made: Made, where: str) -> None:
    article = made.article
    for warning in article.warnings:
        print(f"warning: {made.job.origin}: {warning}", file=sys.stderr)
    split = f"{article.split_answers} split answers"
    if article.split_answers:
        split += f" (in {article.split_parts} parts)"
    print(
        f"{article.source_id}: {article.entry_count} entries ({article.faq_count} FAQ), "
        f"{article.groups} groups, {split}, {article.dropped_count} dropped lines -> {where}",
        file=sys.stderr,
    )


def _next_step(data_dir: Path | None, elsewhere: list[Problem]) -> int:
    data = f" --data {shlex.quote(str(data_dir))}" if data_dir is not None else ""
    if elsewhere:
        print(f"check will report {len(elsewhere)} problem(s) in other files:", file=sys.stderr)
        for problem in elsewhere:
            print(f"  - {located(problem, data_dir)}", file=sys.stderr)
        print("fix them, then run: python -m bot check" + data, file=sys.stderr)
        return 1
    print(
        f'next: python -m bot check{data}, then python -m bot ask{data} "a question it answers"',
        file=sys.stderr,
    )
    return 0
