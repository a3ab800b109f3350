"""Foreign text (from AWS, from users) made inert for humans: no bidirectional overrides or other invisible
control characters, which would let a name reorder or hide the text around it."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

_INVISIBLE: dict[int, str | None] = dict.fromkeys(
    [
        *(c for c in range(0x00, 0x20) if chr(c) not in "\t\n\r"),
        0x7F,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x200E,
        0x200F,
    ]
)
_ONE_LINE: dict[int, str | None] = {**_INVISIBLE, **dict.fromkeys(map(ord, "\t\n\r"), " ")}


def inert_text(text: str, one_line: bool = False) -> str:
    """Without bidi and control characters; `one_line` also turns line breaks and tabs into spaces."""
    return text.translate(_ONE_LINE if one_line else _INVISIBLE)


def inert(value: Any) -> Any:
    """Jinja `finalize`: every printed string loses its bidi and control characters (escaping comes after);
    markup the templates marked safe themselves is left as it is."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return inert_text(value)
