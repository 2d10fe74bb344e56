"""Safe reading of zip containers (EPUB files, zips of stories): limits on size, member count and
compression ratio, and refusal of unsafe member names, encryption and zip-bomb tricks."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from types import TracebackType

from fichive.formats.errors import ImportFailed

MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # the zip file itself
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members together, unpacked
MAX_MEMBER_BYTES = 20 * 1024 * 1024  # one member, unpacked
MAX_MEMBERS = 2_000  # files and folders
MAX_RATIO = 100  # unpacked ÷ packed size of a member past RATIO_FREE_BYTES: more is a zip bomb
RATIO_FREE_BYTES = 1024 * 1024  # a member may unpack to this much whatever its ratio

ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_CHUNK = 64 * 1024
_LOCAL_HEADER_BYTES = 30  # the fixed part of a member's local header
_SUPPORTED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
_ENCRYPTED = 0x1  # general purpose flag bits (APPNOTE 4.4.4)
_PATCHED = 0x20
_STRONG_ENCRYPTION = 0x40
_DRIVE = re.compile(r"[A-Za-z]:")
_CONTROL = re.compile("[\x00-\x1f\x7f]")

# What zipfile, zlib and struct raise on damaged or truncated data; all mean "damaged zip".
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,  # UnicodeDecodeError of a member name among them
    struct.error,
    IndexError,
    KeyError,
    OverflowError,
    NotImplementedError,
)

_DAMAGED_REASON = "the zip file is damaged or truncated"


def _mb(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


def shown_name(name: str) -> str:
    """A member name fit for a one-line message: quoted, controls escaped, long ones shortened."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)
    if len(shown) > 80:
        shown = shown[:77] + "…"
    return f'"{shown}"'


@dataclass(frozen=True)
class Member:
    """One entry of the zip's directory, after its name passed the safety checks."""

    name: str  # with "/" separators, as written in the zip otherwise
    size: int  # unpacked size as the directory declares it (checked again while reading)
    packed_size: int
    is_dir: bool


def _unsafe_name_reason(name: str) -> str | None:
    """Why a member name is refused (absolute, "..", control characters), or None if it's fine.

    Backslashes count as separators here: "..\\..\\x" climbs just as "../../x" does on the
    systems that write such names.
    """
    path = name.replace("\\", "/")
    if not path.strip("/"):
        return "an empty name"
    if _CONTROL.search(path):
        return "control characters in its name"
    if path.startswith("/") or _DRIVE.match(path):
        return "an absolute path"
    if ".." in path.split("/"):
        return 'a ".." in its path'
    return None


def _duplicate_key(name: str) -> str:
    """Names that would land on the same file: "a/./b", "a//b" and "a\\b" are all "a/b"."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return unicodedata.normalize("NFC", "/".join(parts))


class SafeZip:
    """A zip archive read in memory under the module's limits.

    Every check that needs only the directory runs when it is opened; the unpacked size and
    the compression ratio are checked again while each member is read, because the directory
    can lie. Every problem raises ImportFailed with a one-line reason.
    """

    def __init__(self, data: bytes) -> None:
        if len(data) > MAX_ARCHIVE_BYTES:
            raise ImportFailed(f"the zip file is larger than {_mb(MAX_ARCHIVE_BYTES)}")
        if data.startswith(_EMPTY_ZIP_MAGIC):
            raise ImportFailed("the zip file is empty")
        if not data.startswith(ZIP_MAGIC):
            raise ImportFailed("not a zip file")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except _DAMAGED:
            raise ImportFailed(_DAMAGED_REASON) from None
        self._unpacked = 0
        try:
            self._infos = self._check(infos, len(data))
        except BaseException:
            self._zip.close()
            raise
        self.members = tuple(
            Member(name, info.file_size, info.compress_size, name.endswith("/"))
            for name, info in self._infos.items()
        )
        self._folded: dict[str, str | None] = {}
        for member in self.members:
            key = member.name.casefold()
            self._folded[key] = None if key in self._folded else member.name

    @staticmethod
    def _check(infos: list[zipfile.ZipInfo], archive_size: int) -> dict[str, zipfile.ZipInfo]:
        if not infos:
            raise ImportFailed("the zip file is empty")
        if len(infos) > MAX_MEMBERS:
            raise ImportFailed(f"the zip file holds more than {MAX_MEMBERS:,} files")
        by_name: dict[str, zipfile.ZipInfo] = {}
        seen: set[str] = set()
        declared = 0
        for info in infos:
            name = info.filename
            # zipfile cuts names at a NUL byte; the name as written is the one to judge.
            reason = _unsafe_name_reason(info.orig_filename) or _unsafe_name_reason(name)
            if reason:
                raise ImportFailed(
                    f"the zip file holds {shown_name(info.orig_filename)}, with {reason}; "
                    "refused as unsafe"
                )
            key = _duplicate_key(name)
            if key in seen:
                raise ImportFailed(f"the zip file holds {shown_name(name)} twice")
            seen.add(key)
            if info.flag_bits & (_ENCRYPTED | _STRONG_ENCRYPTION):
                raise ImportFailed("the zip file is password-protected; save it without one")
            if info.flag_bits & _PATCHED or info.compress_type not in _SUPPORTED_METHODS:
                raise ImportFailed(
                    f"the zip file packs {shown_name(name)} with a compression method we "
                    "can't read (only stored and deflated)"
                )
            if info.file_size > MAX_MEMBER_BYTES:
                raise ImportFailed(
                    f"{shown_name(name)} in the zip file unpacks to more than "
                    f"{_mb(MAX_MEMBER_BYTES)}"
                )
            if info.compress_size > archive_size or info.header_offset >= archive_size:
                raise ImportFailed(_DAMAGED_REASON)
            declared += info.file_size
            by_name[name.replace("\\", "/")] = info
        if declared > MAX_UNPACKED_BYTES:
            raise ImportFailed(f"the zip file unpacks to more than {_mb(MAX_UNPACKED_BYTES)}")
        # Members whose data overlap (several directory entries over the same bytes) are how
        # the smallest zip bombs multiply one compressed kernel: no honest zip has them.
        spans = sorted((info.header_offset, info.compress_size) for info in infos)
        for (start, size), (next_start, _) in zip(spans, spans[1:], strict=False):
            if start + _LOCAL_HEADER_BYTES + size > next_start:
                raise ImportFailed("the zip file's members overlap (a zip bomb trick)")
        return by_name

    # ----------------------------------------------------------------------------------------

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def files(self) -> list[str]:
        """Names of the members that are files (not folders), in the zip's order."""
        return [m.name for m in self.members if not m.is_dir]

    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def find(self, name: str) -> str | None:
        """The member called ``name``, else the only one whose name differs just in case."""
        if name in self._infos:
            return name
        return self._folded.get(name.casefold())

    def read(self, name: str) -> bytes:
        """A member's bytes, read through a bounded reader.

        Stops as soon as the member passes MAX_MEMBER_BYTES, the archive passes
        MAX_UNPACKED_BYTES in all, or the member unpacks to more than MAX_RATIO times its
        packed size (once past RATIO_FREE_BYTES): whatever the directory declared.
        """
        info = self._infos.get(name)
        if info is None or name.endswith("/"):
            raise ImportFailed(f"{shown_name(name)} is missing from the zip file")
        ratio_limit = max(RATIO_FREE_BYTES, MAX_RATIO * info.compress_size)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    self._unpacked += len(chunk)
                    if size > MAX_MEMBER_BYTES:
                        raise ImportFailed(
                            f"{shown_name(name)} in the zip file unpacks to more than "
                            f"{_mb(MAX_MEMBER_BYTES)}"
                        )
                    if size > ratio_limit:
                        raise ImportFailed(
                            f"{shown_name(name)} in the zip file unpacks to over {MAX_RATIO} "
                            "times its packed size: a zip bomb, refused"
                        )
                    if self._unpacked > MAX_UNPACKED_BYTES:
                        raise ImportFailed(
                            f"the zip file unpacks to more than {_mb(MAX_UNPACKED_BYTES)}"
                        )
                    chunks.append(chunk)
        except ImportFailed:
            raise
        except (*_DAMAGED, RuntimeError):  # RuntimeError: zipfile's "encrypted", unreachable
            raise ImportFailed(_DAMAGED_REASON) from None
        return b"".join(chunks)


def is_zip(data: bytes) -> bool:
    """Whether the data starts like a zip file (cheap: looks at the first bytes only)."""
    return data.startswith((ZIP_MAGIC, _EMPTY_ZIP_MAGIC))
