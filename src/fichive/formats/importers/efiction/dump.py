"""Reading a mysqldump file of an eFiction archive without a server: a small tokenizer for
MySQL's SQL that understands CREATE TABLE (column names) and INSERT (multi-row VALUES) and
ignores every other statement. The dump is parsed, never executed.

Strings: '…' and "…" with backslash escapes and doubled quotes, `_binary'…'` and other
charset introducers, 0x… and X'…' hex literals, NULL, TRUE/FALSE and numbers. The file is read
as bytes; each string's bytes are decoded on their own (UTF-8, else Windows-1252) so a
`_binary` value or a stray latin1 table can't spoil the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from fichive.formats.importers.efiction.archive import (
    TABLES,
    ArchiveError,
    EfictionArchive,
    Row,
    clean_value,
    decode_bytes,
)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>(?:--(?=[ \t\r\n]|$)|\#)[^\n]*)
  | (?P<block>/\*.*?\*/)
  | (?P<squote>'(?:[^'\\]++|\\.|'')*+')
  | (?P<dquote>"(?:[^"\\]++|\\.|"")*+")
  | (?P<ident>`(?:[^`]++|``)*+`)
  | (?P<hex>0[xX][0-9A-Fa-f]+|[xX]'[0-9A-Fa-f]*')
  | (?P<bits>0[bB][01]+|[bB]'[01]*')
  | (?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>[(),;.=])
  | (?P<other>.)
    """,
    re.DOTALL | re.VERBOSE,
)
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a",
            "%": "\\%", "_": "\\_"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_KEY_WORDS = frozenset({"PRIMARY", "KEY", "UNIQUE", "INDEX", "FULLTEXT", "SPATIAL",
                        "CONSTRAINT", "FOREIGN", "CHECK", "PERIOD"})
_INSERT_MODIFIERS = frozenset({"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO"})

MAX_DUMP_BYTES = 2 * 1024 * 1024 * 1024


@dataclass(slots=True)
class _Token:
    kind: str  # "word", "ident", "string", "number", "hex", "punct", "null"
    value: Any
    line: int


def _unquote(body: str, quote: str) -> str:
    body = body.replace(quote * 2, quote)
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def _string(raw: str) -> bytes:
    """The bytes of a quoted string (the text holds one character per byte, read as latin1)."""
    return _unquote(raw[1:-1], raw[0]).encode("latin-1")


def _tokens(text: str) -> Iterator[_Token]:
    line = 1
    pos = 0
    size = len(text)
    while pos < size:
        match = _TOKEN.match(text, pos)
        assert match is not None  # "other" matches any character
        kind = match.lastgroup or "other"
        raw = match.group()
        if kind in ("space", "comment", "block"):
            pass
        elif kind == "squote" or kind == "dquote":
            yield _Token("string", _string(raw), line)
        elif kind == "ident":
            yield _Token("ident", raw[1:-1].replace("``", "`"), line)
        elif kind == "hex":
            digits = raw[2:] if raw[0] == "0" else raw[2:-1]
            yield _Token("hex", bytes.fromhex(digits.zfill(len(digits) + len(digits) % 2)), line)
        elif kind == "bits":
            digits = (raw[2:] if raw[0] == "0" else raw[2:-1]) or "0"
            yield _Token("number", int(digits, 2), line)
        elif kind == "number":
            yield _Token("number", raw, line)
        elif kind == "word":
            yield _Token("word", raw, line)
        elif kind == "punct":
            yield _Token("punct", raw, line)
        elif raw in "'\"`":
            what = {"'": "string", '"': "string", "`": "quoted name"}[raw]
            raise ArchiveError(f"line {line}: a {what} starts here and never ends; the dump "
                               "is cut short or malformed")
        elif raw == "/" and text.startswith("/*", pos):
            raise ArchiveError(f"line {line}: a /* comment starts here and never ends")
        else:
            yield _Token("punct", raw, line)
        line += raw.count("\n")
        pos = match.end()


def _statements(text: str) -> Iterator[list[_Token]]:
    statement: list[_Token] = []
    for token in _tokens(text):
        if token.kind == "punct" and token.value == ";":
            if statement:
                yield statement
            statement = []
        else:
            statement.append(token)
    if statement:
        yield statement


class _Reader:
    """A cursor over one statement's tokens."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self, expected: str = "more") -> _Token:
        token = self.peek()
        if token is None:
            last = self.tokens[-1].line if self.tokens else 0
            raise ArchiveError(f"line {last}: the statement ends early; expected {expected}")
        self.pos += 1
        return token

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.value.upper() in words

    def is_punct(self, char: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "punct" and token.value == char

    def expect_punct(self, char: str) -> _Token:
        token = self.next(f"“{char}”")
        if token.kind != "punct" or token.value != char:
            raise ArchiveError(f"line {token.line}: expected “{char}”, found "
                               f"“{_shown(token)}”")
        return token

    def name(self) -> str:
        """A table or column name, possibly qualified (`db`.`table` gives "table")."""
        token = self.next("a name")
        if token.kind not in ("ident", "word"):
            raise ArchiveError(f"line {token.line}: expected a name, found “{_shown(token)}”")
        name = token.value
        while self.is_punct("."):
            self.next()
            name = self.name()
        return name

    def skip_group(self) -> None:
        """Skip to the ")" closing the "(" just read."""
        depth = 1
        while depth:
            token = self.next("“)”")
            if token.kind == "punct" and token.value == "(":
                depth += 1
            elif token.kind == "punct" and token.value == ")":
                depth -= 1


def _shown(token: _Token) -> str:
    if isinstance(token.value, bytes):
        return "'" + decode_bytes(token.value[:20]) + "'"
    return str(token.value)[:20]


def _number(raw: str) -> int | Decimal | float:
    if re.fullmatch(r"[+-]?\d+", raw):
        return int(raw)
    if "e" in raw.lower():
        return float(raw)
    return Decimal(raw)


def _value(reader: _Reader) -> Any:
    token = reader.next("a value")
    if token.kind == "string":
        return decode_bytes(token.value)
    if token.kind == "hex":
        return decode_bytes(token.value)
    if token.kind == "number":
        return _number(token.value) if isinstance(token.value, str) else token.value
    if token.kind == "word":
        word = token.value.upper()
        if word == "NULL":
            return None
        if word in ("TRUE", "FALSE"):
            return int(word == "TRUE")
        if word.startswith("_"):  # _binary'…', _utf8mb4'…', _latin1 0x…: a charset introducer
            following = reader.next("a string after " + token.value)
            if following.kind not in ("string", "hex"):
                raise ArchiveError(f"line {following.line}: expected a string after "
                                   f"{token.value}, found “{_shown(following)}”")
            return decode_bytes(following.value)
    if token.kind == "punct" and token.value in "+-":
        inner = reader.next("a number")
        if inner.kind == "number":
            number = _number(inner.value)
            return -number if token.value == "-" else number
    raise ArchiveError(f"line {token.line}: expected a value (a string, a number or NULL), "
                       f"found “{_shown(token)}”")


class _DumpParser:
    def __init__(self, *, prefix: str) -> None:
        self.prefix = prefix.lower()
        self.columns: dict[str, list[str]] = {}
        self.rows: dict[str, list[Row]] = {}

    def _table(self, name: str) -> str | None:
        """The importer's name for a dumped table ("stories"), or None for other tables."""
        lowered = name.lower()
        if not lowered.startswith(self.prefix):
            return None
        short = lowered[len(self.prefix):]
        return short if short in TABLES else None

    def statement(self, tokens: list[_Token]) -> None:
        reader = _Reader(tokens)
        if reader.is_word("CREATE"):
            reader.next()
            if reader.is_word("TABLE"):
                self.create_table(reader)
        elif reader.is_word("INSERT", "REPLACE"):
            reader.next()
            self.insert(reader)

    def create_table(self, reader: _Reader) -> None:
        reader.next()  # TABLE
        if reader.is_word("IF"):
            for _ in range(3):  # IF NOT EXISTS
                reader.next()
        table = self._table(reader.name())
        if table is None:
            return
        if reader.is_word("LIKE"):  # CREATE TABLE a LIKE b: b's columns
            reader.next()
            source = self._table(reader.name())
            if source in self.columns:
                self.columns[table] = list(self.columns[source])
                self.rows.setdefault(table, [])
            return
        if not reader.is_punct("("):  # CREATE TABLE … AS SELECT …: no rows in the dump
            return
        reader.next()
        columns: list[str] = []
        while True:
            if reader.is_word(*_KEY_WORDS):
                pass
            else:
                columns.append(reader.name().lower())
            while not (reader.is_punct(",") or reader.is_punct(")")):
                token = reader.next("“)” closing the table's columns")
                if token.kind == "punct" and token.value == "(":
                    reader.skip_group()
            if reader.next().value == ")":
                break
        self.columns[table] = columns
        self.rows.setdefault(table, [])

    def insert(self, reader: _Reader) -> None:
        while reader.is_word(*_INSERT_MODIFIERS):
            reader.next()
        first = reader.peek()
        line = first.line if first else 0
        table = self._table(reader.name())
        if table is None:
            return
        columns = self.columns.get(table)
        if reader.is_punct("("):
            reader.next()
            columns = [reader.name().lower()]
            while reader.is_punct(","):
                reader.next()
                columns.append(reader.name().lower())
            reader.expect_punct(")")
        if columns is None:
            raise ArchiveError(f"line {line}: rows for {self.prefix}{table} come before its "
                               "CREATE TABLE and name no columns; dump with the table "
                               "definitions (mysqldump without --no-create-info) or with "
                               "--complete-insert")
        token = reader.next("VALUES")
        if token.kind != "word" or token.value.upper() not in ("VALUES", "VALUE"):
            raise ArchiveError(f"line {token.line}: expected VALUES, found “{_shown(token)}”")
        rows = self.rows.setdefault(table, [])
        while True:
            start = reader.expect_punct("(")
            values = [_value(reader)]
            while reader.is_punct(","):
                reader.next()
                values.append(_value(reader))
            reader.expect_punct(")")
            if len(values) != len(columns):
                raise ArchiveError(
                    f"line {start.line}: a row of {self.prefix}{table} has {len(values)} "
                    f"values for {len(columns)} columns")
            rows.append({c: clean_value(v) for c, v in zip(columns, values, strict=True)})
            if not reader.is_punct(","):
                break
            reader.next()
        if reader.peek() is not None and not reader.is_word("ON"):
            extra = reader.next()
            raise ArchiveError(f"line {extra.line}: unexpected “{_shown(extra)}” after the "
                               "rows of an INSERT")


def read_dump_bytes(data: bytes, *, prefix: str, origin: str = "the dump") -> EfictionArchive:
    """The archive's rows from the bytes of a mysqldump file, or ArchiveError."""
    if not data.strip():
        raise ArchiveError(f"{origin} is empty")
    if data.startswith(b"\x1f\x8b"):
        raise ArchiveError(f"{origin} is gzip-compressed; unpack it first (gunzip)")
    parser = _DumpParser(prefix=prefix)
    try:
        for tokens in _statements(data.decode("latin-1")):
            parser.statement(tokens)
    except ArchiveError as exc:
        raise ArchiveError(f"{origin}: {exc}") from exc
    archive = EfictionArchive(tables=parser.rows, origin=origin)
    archive.check(prefix=prefix)
    return archive


def read_dump(path: Path, *, prefix: str) -> EfictionArchive:
    """The archive's rows from a mysqldump file, or ArchiveError."""
    try:
        size = path.stat().st_size
        if size > MAX_DUMP_BYTES:
            raise ArchiveError(f"{path} is larger than {MAX_DUMP_BYTES // 1024**3} GB")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ArchiveError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ArchiveError(f"{path}: can't read it ({exc.strerror})") from exc
    return read_dump_bytes(data, prefix=prefix, origin=str(path))
