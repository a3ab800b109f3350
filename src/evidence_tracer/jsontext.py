"""JSON documents of many records, written by the C encoder: one line per top-level field and, for a list
field, one line per item.

`json.dumps(indent=...)` runs the pure-Python encoder and holds a string per token until it joins them: for a
scan's thousands of findings that was most of the time and the peak memory of storing and reporting it. Here
each record is one C-encoded line, so the text stays readable (and greppable, a finding a line) at a fraction
of the cost; `json.loads` reads it back to the same value.

The text is ASCII: every other character is a `\\uXXXX` escape. So no reader can take a character inside a
string for a line end (U+2028, U+0085) or be turned around by a bidirectional override, and the document is one
byte a character in memory, whatever a resource's name holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

_compact = json.JSONEncoder(sort_keys=True).encode


def iter_by_line(document: Mapping[str, Any], *, sort_keys: bool = False) -> Iterator[str]:
    """`document` as ASCII JSON text ending in a newline, in pieces for a writer that streams it. A field may be
    an iterator (a generator of records): it is written as a list, each record encoded as it comes, so the
    records need never be held all at once."""
    encode = json.JSONEncoder(sort_keys=sort_keys).encode
    keys = sorted(document) if sort_keys else list(document)
    yield "{\n"
    for n, key in enumerate(keys, start=1):
        value, end = document[key], ",\n" if n < len(keys) else "\n"
        yield f"  {encode(key)}: "
        if isinstance(value, list | tuple | Iterator):
            opened = False
            for item in value:
                yield ",\n    " if opened else "[\n    "
                yield encode(item)
                opened = True
            yield "\n  ]" if opened else "[]"
        else:
            yield encode(value)
        yield end
    yield "}\n"


def iter_compact(value: Any, depth: int, leaf: Callable[[Any], Any] = lambda v: v) -> Iterator[str]:
    """`json.dumps(value, sort_keys=True)` in pieces, the same text: the mappings and lists of the first `depth`
    levels written piece by piece, each value below them given to `leaf` (a redaction, say) and encoded whole by
    the C encoder. So a document of many large parts is never held as one string, nor copied whole by `leaf`; a
    list in those levels may be an iterator, whose items are then made one at a time."""
    if depth > 0 and isinstance(value, Mapping):
        yield "{"
        for n, key in enumerate(sorted(value)):
            yield f"{', ' if n else ''}{_compact(leaf(key))}: "
            yield from iter_compact(value[key], depth - 1, leaf)
        yield "}"
    elif depth > 0 and isinstance(value, list | tuple | Iterator):
        yield "["
        for n, item in enumerate(value):
            if n:
                yield ", "
            yield from iter_compact(item, depth - 1, leaf)
        yield "]"
    else:
        yield _compact(leaf(value))
