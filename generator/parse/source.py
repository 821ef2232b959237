"""Reading a page file into text: the encoding checks every later step relies on.

Pages must be UTF-8 text. A binary file or bytes that are not UTF-8 become one
diagnostic naming the line of the first bad byte, never an exception.
"""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import Diagnostic

# What a non-breaking space (U+00A0) becomes when UTF-8 text is decoded as
# cp1252 or latin-1 once ("\u00c2\u00a0") or twice ("\u00c3\u201a\u00c2\u00a0",
# "\u00c3\u0082\u00c2\u00a0"); upstream pages carry these forms. Longest first.
_NBSP_FORMS = ("\u00c3\u201a\u00c2\u00a0", "\u00c3\u0082\u00c2\u00a0", "\u00c2\u00a0", "\u00a0")


def fix_spaces(text: str) -> str:
    """Turn non-breaking spaces, plain or double-encoded, into normal spaces.

    Done once on the whole source: it never adds or removes a newline, so line
    numbers stay those of the file.
    """
    if "\u00a0" not in text:
        return text
    for form in _NBSP_FORMS:
        text = text.replace(form, " ")
    return text


def decode(data: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 bytes to text with `\\n` line ends; or a diagnostic saying why not."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, Diagnostic(path, line, "binary file (NUL byte): a doc page must be UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        return None, Diagnostic(
            path,
            line,
            f"not valid UTF-8 (byte 0x{byte:02x} at offset {exc.start}): "
            "a doc page must be UTF-8 text",
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return fix_spaces(text), None


def read_page(path: Path, display: str) -> tuple[str | None, Diagnostic | None]:
    """Read and decode one page file; I/O failures are diagnostics too."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, Diagnostic(display, None, f"cannot read the file: {exc.strerror or exc}")
    return decode(data, display)
