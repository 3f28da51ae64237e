"""Read and parse one file: bytes -> text -> `ast.Module`, or a parse failure.

A failure is data (it becomes one ORM001 diagnostic), never an exception.
"""

from __future__ import annotations

import ast
import codecs
import io
import tokenize
import warnings
from dataclasses import dataclass
from typing import Optional, Union


@dataclass(frozen=True)
class ParseFailure:
    message: str
    row: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class ParsedFile:
    text: str
    tree: ast.Module


def decode_source(data: bytes) -> Union[str, ParseFailure]:
    """Decode like Python does: BOMs, PEP 263 cookies, UTF-8 by default."""
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    else:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as exc:
            return ParseFailure(f"cannot determine the file encoding: {exc.msg}", 1, 1)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        row, column = _byte_position(data, getattr(exc, "start", 0))
        return ParseFailure(f"cannot decode the file as {encoding}: {exc}", row, column)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    row = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return row, column


def parse_text(text: str, filename: str) -> Union[ParsedFile, ParseFailure]:
    if "\x00" in text:
        before = text[: text.index("\x00")]
        return ParseFailure("the file contains NUL bytes", before.count("\n") + 1, len(before) - before.rfind("\n"))
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like are not ormlint's business.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=filename)
    except SyntaxError as exc:
        fallback = parse_newer_syntax(text, filename)
        if fallback is not None:
            return ParsedFile(text, fallback)
        return ParseFailure(f"syntax error: {exc.msg}", exc.lineno or 1, max(exc.offset or 1, 1))
    except (RecursionError, MemoryError):
        return ParseFailure("the file is nested too deeply to parse", 1, 1)
    except ValueError as exc:
        return ParseFailure(f"cannot parse the file: {exc}", 1, 1)
    return ParsedFile(text, tree)


def parse_newer_syntax(text: str, filename: str) -> Optional[ast.Module]:
    """Parse code written for a newer Python than the running one.

    Placeholder until the libcst-based fallback lands: returns None (the file
    is then reported as ORM001).
    """
    return None


def parse_bytes(data: bytes, filename: str) -> Union[ParsedFile, ParseFailure]:
    text = decode_source(data)
    if isinstance(text, ParseFailure):
        return text
    return parse_text(text, filename)
