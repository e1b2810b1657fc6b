"""A seed file's bytes -> its text: UTF-8, UTF-16 with a byte-order mark, or a
legacy encoding (cp1252, latin-1); an empty file or one that is not text raises."""

from __future__ import annotations

import re
from pathlib import Path

from search.errors import SeedParseError

#: What :func:`_decode` gives for UTF-8 text with a few bytes that are not UTF-8: the
#: text with each such byte as a lone surrogate (``surrogateescape``).
_MIXED = "utf-8+"
_ESCAPED_RE = re.compile("[\udc80-\udcff]+")
_NON_ASCII_RE = re.compile("[^\x00-\x7f\udc80-\udcff]")
#: Lines with bytes that are not UTF-8 reported one by one; more are reported as one.
MAX_BAD_LINES = 10


def _decode_bad_bytes(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Text decoded with ``surrogateescape``, each byte that was not UTF-8 read as
    cp1252 (a stray ``ï`` of a text pasted from Windows is an ``ï`` again; U+FFFD where
    cp1252 has no character), and per line what was read: ``0xef=ï``."""
    bad: dict[int, list[str]] = {}
    pos = 0
    line = 1

    def cp1252(m: re.Match[str]) -> str:
        nonlocal pos, line
        line += text.count("\n", pos, m.start())
        pos = m.start()
        raw = bytes(ord(c) - 0xDC00 for c in m.group())
        read = raw.decode("cp1252", "replace")
        bad.setdefault(line, []).extend(f"0x{b:02x}={c}" for b, c in zip(raw, read, strict=True))
        return read

    return _ESCAPED_RE.sub(cp1252, text), _bad_lines(bad)


def _bad_lines(bad: dict[int, list[str]]) -> list[tuple[int, str]]:
    lines = sorted(bad)
    found = [(n, " ".join(bad[n])) for n in lines[:MAX_BAD_LINES]]
    if len(lines) > MAX_BAD_LINES:
        more = len(lines) - MAX_BAD_LINES
        found.append((lines[MAX_BAD_LINES], f"and {more} more lines, up to line {lines[-1]}"))
    return found


def _decode(data: bytes, path: Path) -> tuple[str, str | None, int]:
    """The text of a file, the legacy encoding it was read in (None for UTF-8) and the
    line of its first byte that is not UTF-8.

    A file that is UTF-8 but for a few bytes (it has at least as many valid non-ASCII
    characters as bytes that are not UTF-8) is not read in a legacy encoding, which
    would turn each of its accented letters into two (``OekraÃ¯ne``): it comes back
    decoded with ``surrogateescape`` and the encoding :data:`_MIXED`.
    """
    if not data.strip():
        raise SeedParseError(path, 0, "empty", "the file is empty")
    encoding: str | None = None
    line = 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding, line = data.decode("utf-16"), "UTF-16", 1
        except UnicodeDecodeError:
            text = ""
    if encoding is None:
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise SeedParseError(path, line, "binary", "not text (it holds NUL bytes)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            mixed = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
            bad = sum(len(m.group()) for m in _ESCAPED_RE.finditer(mixed))
            if len(_NON_ASCII_RE.findall(mixed)) >= bad:
                return _checked_text(mixed, path), _MIXED, line
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
    return _checked_text(text, path), encoding, line


def _checked_text(text: str, path: Path) -> str:
    """``text``, unless it is empty or not text.

    Raises:
        SeedParseError: The file is empty (code ``empty``) or not text (``binary``).
    """
    if not text.strip():
        raise SeedParseError(path, 0, "empty", "the file is empty")
    controls = [m.start() for m in _CONTROL_RE.finditer(text)]
    if len(controls) * 20 > len(text):  # more than 5 % control characters: not text
        line = text.count("\n", 0, controls[0]) + 1
        raise SeedParseError(path, line, "binary", "not text (control characters)")
    return text


#: Control characters (Unicode category Cc) other than whitespace (\t \n \v \f \r).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
