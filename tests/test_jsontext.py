"""The line-per-record JSON writer: the same value back, one line per field and per list item, whatever the
strings hold (line and paragraph separators, NEL, bidirectional overrides)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from evidence_tracer.jsontext import iter_by_line, iter_compact


def dumps_by_line(document: Mapping[str, Any], *, sort_keys: bool = False) -> str:
    return "".join(iter_by_line(document, sort_keys=sort_keys))


HOSTILE = 'line\nbreak "quoted" \\ back, tab\t, </script>, \u2028 \u2029 \x85 \x0b \x1c \u202e, é, 🙂'


def test_the_value_reads_back_the_same_with_a_line_per_field_and_per_item() -> None:
    document = {
        "schema_version": 2,
        "scan": {"id": "s", "regions": ["eu-west-1"]},
        "findings": [{"check_id": "a", "message": HOSTILE}, {"check_id": "b", "evidence_ids": []}],
        "empty": [],
        "none": None,
    }
    text = dumps_by_line(document)
    assert json.loads(text) == document
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("}\n")
    assert lines[1] == '  "schema_version": 2,'
    assert lines[3] == '  "findings": ['
    assert [json.loads(line.strip().rstrip(",")) for line in lines[4:6]] == document["findings"]
    assert lines[6:] == ["  ],", '  "empty": [],', '  "none": null', "}"]
    assert text.isascii(), "every other character is an escape: none can pass for a line end or turn text around"
    assert len(text.splitlines()) == 10


def test_keys_sorted_at_every_depth_when_asked() -> None:
    text = dumps_by_line({"b": [{"z": 1, "a": 2}], "a": {"y": 1, "x": 2}}, sort_keys=True)
    assert text == '{\n  "a": {"x": 2, "y": 1},\n  "b": [\n    {"a": 2, "z": 1}\n  ]\n}\n'


def test_tuples_and_iterators_are_lists_an_iterator_consumed_once() -> None:
    made: list[int] = []

    def records() -> Iterator[dict[str, int]]:
        for n in range(3):
            made.append(n)
            yield {"n": n}

    text = dumps_by_line({"items": (1, 2), "records": records(), "none": iter(())})
    assert json.loads(text) == {"items": [1, 2], "records": [{"n": 0}, {"n": 1}, {"n": 2}], "none": []}
    assert made == [0, 1, 2]
    assert '  "none": []' in text.splitlines()


def test_what_json_cannot_hold_is_refused() -> None:
    with pytest.raises(TypeError):
        dumps_by_line({"when": object()})


@pytest.mark.parametrize("depth", range(5))
def test_compact_pieces_are_json_dumps_sorted_at_any_depth(depth: int) -> None:
    value = {"b": [{"z": 1, "a": [1, 2.5, {"q": HOSTILE}]}, {}], "a": {"y": None, "x": True}, "c": [], "d": "é"}
    assert "".join(iter_compact(value, depth)) == json.dumps(value, sort_keys=True)


def test_compact_pieces_give_each_value_below_the_depth_to_the_leaf_function() -> None:
    seen: list[object] = []

    def leaf(value: object) -> object:
        seen.append(value)
        return "x" if isinstance(value, dict) else value

    assert "".join(iter_compact({"parts": [{"a": 1}, {"b": 2}]}, 2, leaf)) == '{"parts": ["x", "x"]}'
    assert seen == ["parts", {"a": 1}, {"b": 2}]
