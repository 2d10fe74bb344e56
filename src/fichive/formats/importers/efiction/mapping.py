"""How an eFiction archive's ratings, categories and classes (genres, warnings, …) become
Fichive tags: a default guessed from the archive's own names, an editable TOML file
(`--write-mapping`), and reading it back (`--mapping`).

```toml
default_fandom = "Original Work"
[ratings]
"PG-13" = "Teen And Up Audiences"
[categories]
"Books > Harry Potter" = ["Harry Potter - J. K. Rowling"]
[classes."Warnings"]
"Character Death" = ["warning:Major Character Death"]
```
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fichive.formats.importers.efiction.archive import ArchiveError, EfictionArchive, Row
from fichive.tags.models import CATEGORIES, DEFAULT_RATING, RATINGS, WARNINGS

# The kinds of tag a class may become ("freeform" is AO3's "additional tag").
TAG_KINDS = ("warning", "category", "fandom", "relationship", "character", "freeform")
DEFAULT_FANDOM = "Original Work"
CATEGORY_SEPARATOR = " > "

_RATING_WORDS = [
    (DEFAULT_RATING, r"not rated|unrated|none"),
    ("Explicit", r"nc-?17|nc|x+|xxx|explicit|adult|ma|18\+?|r18|smut|lemon"),
    ("Mature", r"r|m|mature|16\+?|restricted"),
    ("Teen And Up Audiences", r"pg-?13|pg|k\+|t|teen.*|13\+?|pg-?15|youth"),
    ("General Audiences", r"g|k|all ages|general.*|everyone|e|gen"),
]
_WARNING_WORDS = [
    ("Major Character Death", r"(major )?(main )?character deaths?|death|mcd"),
    ("Graphic Depictions Of Violence", r"(graphic )?violence|(graphic depictions of )?violence"
                                       r"|gore"),
    ("Rape/Non-Con", r"rape|non-?con(sensual)?|rape/non-?con|dub-?con"),
    ("Underage Sex", r"underage( sex)?"),
    ("No Archive Warnings Apply", r"none|no warnings?( apply)?|no archive warnings apply"),
    ("Creator Chose Not To Use Archive Warnings", r"creator chose not to (use|warn).*"
                                                  r"|choose not to warn"),
]
_CATEGORY_WORDS = [
    ("F/M", r"het|f/m|m/f|hetero(sexual)?"),
    ("M/M", r"slash|m/m|yaoi"),
    ("F/F", r"femslash|f/f|yuri|femmeslash"),
    ("Gen", r"gen|no (pairing|romance)s?"),
    ("Multi", r"multi(ple)?( pairings?)?|poly(amory)?"),
    ("Other", r"other pairings?"),
]


@dataclass
class Mapping:
    ratings: dict[str, str] = field(default_factory=dict)  # eFiction rating -> our rating
    categories: dict[str, list[str]] = field(default_factory=dict)  # category path -> fandoms
    # classtype -> class name -> [(tag kind, tag name)]
    classes: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    default_fandom: str = DEFAULT_FANDOM


def _guess(name: str, table: list[tuple[str, str]]) -> str | None:
    folded = " ".join(name.lower().split())
    for result, pattern in table:
        if re.fullmatch(pattern, folded):
            return result
    return None


def rating_default(name: str) -> str:
    return _guess(name, _RATING_WORDS) or DEFAULT_RATING


def fandom_default(category: str) -> str:
    """A category's fandom: its own name, or AO3's "Original Work" for original fiction."""
    if re.fullmatch(r"original( fiction| works?| stories| fic)?|originals", category.lower()):
        return DEFAULT_FANDOM
    return category


def class_default(name: str) -> list[tuple[str, str]]:
    """A class's tags when nobody says otherwise: AO3's warnings and categories where the name
    means one, an additional tag otherwise."""
    warning = _guess(name, _WARNING_WORDS)
    if warning:
        return [("warning", warning)]
    category = _guess(name, _CATEGORY_WORDS)
    if category:
        return [("category", category)]
    return [("freeform", " ".join(name.split()))]


def category_paths(archive: EfictionArchive) -> dict[int, str]:
    """Each category id's path of names from the top ("Anime > Naruto")."""
    rows = {int(r["catid"]): r for r in archive.rows("categories")}
    paths: dict[int, str] = {}
    for catid in rows:
        names: list[str] = []
        seen: set[int] = set()
        current: int | None = catid
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            row = rows[current]
            names.append(" ".join(str(row.get("category") or f"Category {current}").split()))
            parent = int(row.get("parentcatid") or -1)
            current = parent if parent > 0 else None
        paths[catid] = CATEGORY_SEPARATOR.join(reversed(names))
    return paths


def classtype_titles(archive: EfictionArchive) -> dict[int, str]:
    titles: dict[int, str] = {}
    for row in archive.rows("classtypes"):
        title = row.get("classtype_title") or row.get("classtype_name") or ""
        titles[int(row["classtype_id"])] = " ".join(str(title).split()) or (
            f"Type {row['classtype_id']}")
    return titles


def class_key(archive: EfictionArchive, row: Row, titles: dict[int, str]) -> tuple[str, str]:
    """(classtype title, class name) for a classes row."""
    kind = titles.get(int(row.get("class_type") or 0), "Classes")
    return kind, " ".join(str(row.get("class_name") or "").split())


def mapping_default(archive: EfictionArchive) -> Mapping:
    """The mapping the importer uses when given none, from the archive's own names."""
    mapping = Mapping()
    for row in archive.rows("ratings"):
        name = " ".join(str(row.get("rating") or "").split())
        if name:
            mapping.ratings[name] = rating_default(name)
    for path in category_paths(archive).values():
        mapping.categories[path] = [fandom_default(path.rsplit(CATEGORY_SEPARATOR, 1)[-1])]
    titles = classtype_titles(archive)
    for row in archive.rows("classes"):
        kind, name = class_key(archive, row, titles)
        if name:
            mapping.classes.setdefault(kind, {})[name] = class_default(name)
    for kind, name in old_class_names(archive):
        mapping.classes.setdefault(kind, {})[name] = class_default(name)
    return mapping


# Older versions kept genres and warnings in tables of their own (stories.gid, stories.wid).
OLD_CLASS_TABLES = [("genres", "gid", "genre", "Genres"), ("warnings", "wid", "warning",
                                                           "Warnings")]


def old_class_names(archive: EfictionArchive) -> list[tuple[str, str]]:
    """(class type, name) of the old genres and warnings tables' rows."""
    found = []
    for table, _, column, kind in OLD_CLASS_TABLES:
        for row in archive.rows(table):
            name = " ".join(str(row.get(column) or "").split())
            if name:
                found.append((kind, name))
    return found


def _problem(path: Path, where: str, message: str) -> ArchiveError:
    return ArchiveError(f"{path}: {where}: {message}")


def _tag(path: Path, where: str, value: Any) -> tuple[str, str]:
    if not isinstance(value, str) or not value.strip():
        raise _problem(path, where, "each tag is a string like \"freeform:Angst\"")
    kind, sep, name = value.partition(":")
    if not sep or kind.strip().lower() not in TAG_KINDS:
        kind, name = "freeform", value
    kind, name = kind.strip().lower(), " ".join(name.split())
    if kind == "warning" and name not in WARNINGS:
        raise _problem(path, where, f"“{name}” is not an archive warning; use one of: "
                                    f"{', '.join(WARNINGS)}")
    if kind == "category" and name not in CATEGORIES:
        raise _problem(path, where, f"“{name}” is not a category; use one of: "
                                    f"{', '.join(CATEGORIES)}")
    if not name:
        raise _problem(path, where, "a tag has no name")
    return kind, name


def _names(path: Path, where: str, value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _problem(path, where, "give a list of names, like [\"Harry Potter\"]")
    return [" ".join(v.split()) for v in values if v.strip()]


def mapping_load(path: Path, *, archive: EfictionArchive) -> Mapping:
    """The archive's default mapping, overridden by what the TOML file says; ArchiveError
    (naming the file and the entry) when the file is unreadable or says something invalid."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArchiveError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{path}: can't read it ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ArchiveError(f"{path}: not valid TOML ({exc})") from exc
    mapping = mapping_default(archive)
    known = {"default_fandom", "ratings", "categories", "classes"}
    for key in data:
        if key not in known:
            raise _problem(path, key, f"unknown setting; the file has {', '.join(sorted(known))}")
    if "default_fandom" in data:
        fandoms = _names(path, "default_fandom", data["default_fandom"])
        if len(fandoms) != 1:
            raise _problem(path, "default_fandom", "give one fandom name")
        mapping.default_fandom = fandoms[0]
    for name, value in dict(data.get("ratings") or {}).items():
        if value not in RATINGS:
            raise _problem(path, f"[ratings] “{name}”", f"“{value}” is not a rating; use one "
                                                        f"of: {', '.join(RATINGS)}")
        mapping.ratings[" ".join(name.split())] = value
    for name, value in dict(data.get("categories") or {}).items():
        mapping.categories[" ".join(name.split())] = _names(
            path, f"[categories] “{name}”", value)
    for kind, classes in dict(data.get("classes") or {}).items():
        if not isinstance(classes, dict):
            raise _problem(path, f"classes.{kind}", "expected a table of class = [tags]")
        for name, value in classes.items():
            where = f"[classes.\"{kind}\"] “{name}”"
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list):
                raise _problem(path, where, "give a list of tags, like [\"freeform:Angst\"]")
            mapping.classes.setdefault(kind, {})[" ".join(name.split())] = [
                _tag(path, where, v) for v in values]
    return mapping


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def mapping_to_toml(mapping: Mapping, *, site: str = "") -> str:
    """The mapping as an editable TOML file, with comments saying what each part takes."""
    lines = [
        f"# How the eFiction archive{' at ' + site if site else ''} becomes Fichive tags.",
        "# Edit the right-hand sides, then import with --mapping THIS-FILE.",
        "",
        "# The fandom of stories in no category that maps to one.",
        f"default_fandom = {_toml(mapping.default_fandom)}",
        "",
        "[ratings]",
        f"# eFiction rating = one of: {', '.join(RATINGS)}",
    ]
    lines += [f"{_toml(k)} = {_toml(v)}" for k, v in mapping.ratings.items()]
    lines += ["", "[categories]", "# category (parents > category) = [fandom names]; [] drops it"]
    lines += [f"{_toml(k)} = [{', '.join(_toml(f) for f in v)}]"
              for k, v in mapping.categories.items()]
    if mapping.classes:
        lines += [
            "",
            "# Classes, by class type: class = [tags], each tag one of",
            f"#   \"warning:<{', '.join(WARNINGS)}>\"",
            f"#   \"category:<{', '.join(CATEGORIES)}>\"",
            "#   \"freeform:<an additional tag>\", \"character:…\", \"relationship:…\", "
            "\"fandom:…\"",
            "# [] drops the class.",
        ]
    for kind, classes in mapping.classes.items():
        lines += ["", f"[classes.{_toml(kind)}]"]
        lines += [f"{_toml(name)} = [{', '.join(_toml(f'{k}:{n}') for k, n in tags)}]"
                  for name, tags in classes.items()]
    return "\n".join(lines) + "\n"
