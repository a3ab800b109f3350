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
from collections.abc import Iterator, Mapping
from typing import Any


def dumps_by_line(document: Mapping[str, Any], *, sort_keys: bool = False) -> str:
    """`document` as ASCII JSON text ending in a newline. A field may be an iterator (a generator of records): it
    is written as a list, each record encoded as it comes, so the records need never be held all at once."""
    encode = json.JSONEncoder(sort_keys=sort_keys).encode
    keys = sorted(document) if sort_keys else list(document)
    pieces = ["{\n"]
    for n, key in enumerate(keys, start=1):
        value, end = document[key], ",\n" if n < len(keys) else "\n"
        pieces.append(f"  {encode(key)}: ")
        if isinstance(value, list | tuple | Iterator):
            mark = len(pieces)
            for item in value:
                pieces.extend(("    ", encode(item), ",\n"))
            if len(pieces) == mark:
                pieces.append("[]")
            else:
                pieces.insert(mark, "[\n")
                pieces[-1] = "\n  ]"
        else:
            pieces.append(encode(value))
        pieces.append(end)
    pieces.append("}\n")
    return "".join(pieces)
