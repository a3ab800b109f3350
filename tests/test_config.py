from __future__ import annotations

from pathlib import Path

import pytest

from evidence_tracer.config import load_config, parse_config
from evidence_tracer.errors import ConfigError


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.parameters.access_key_max_age_days == 90
    assert config.boundary.regions == ()


def test_values_are_read(tmp_path: Path) -> None:
    (tmp_path / "tracer.yaml").write_text(
        "boundary:\n  regions: [eu-west-1]\nparameters:\n  access_key_max_age_days: 45\n"
        "s3:\n  critical_buckets: [prod]\n"
    )
    config = load_config(tmp_path)
    assert config.boundary.regions == ("eu-west-1",)
    assert config.parameters.access_key_max_age_days == 45
    assert config.s3.critical_buckets == ("prod",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("parameters:\n  access_key_max_age_days: ninety\n", "t.yaml:2: parameters.access_key_max_age_days"),
        ("parameters:\n  access_key_max_age_days: 0\n", "t.yaml:2: parameters.access_key_max_age_days"),
        ("company:\n  name: A\n\nparameters:\n  typo_days: 3\n", "t.yaml:5: parameters.typo_days: Extra inputs"),
        ("s3:\n  critical_buckets:\n    - ok\n    - [nested]\n", "t.yaml:4: s3.critical_buckets.1"),
        ("boundary: [a, b]\n", "t.yaml:1: boundary"),
        ("- just\n- a list\n", "t.yaml:1: the top level must be a mapping"),
        ("parameters:\n  a: [1,\n", "t.yaml:3: invalid YAML"),
        ("company:\n  name: \x07bell\n", "t.yaml"),  # a character YAML refuses: the reader's error has no mark
    ],
)
def test_errors_name_file_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "t.yaml")
    assert expected in str(info.value)


def test_every_error_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config("parameters:\n  access_key_max_age_days: x\n  password_min_length: y\n", "t.yaml")
    assert "t.yaml:2:" in str(info.value) and "t.yaml:3:" in str(info.value)


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "tracer.yaml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match=r"tracer\.yaml"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("company: {name: A}\ncompany: {name: B}\n", "tracer.yaml:2: invalid YAML: duplicate key 'company'"),
        (
            "parameters:\n  access_key_max_age_days: 90\n  access_key_max_age_days: 30\n",
            "tracer.yaml:3: invalid YAML: duplicate key 'access_key_max_age_days'",
        ),
        ("parameters: {access_key_max_age_days: true}\n", "tracer.yaml:1: parameters.access_key_max_age_days"),
        ("parameters: {password_min_length: '16'}\n", "tracer.yaml:1: parameters.password_min_length"),
        ("sources: {aws: {enabled: 1}}\n", "tracer.yaml:1: sources.aws.enabled"),
    ],
)
def test_duplicate_keys_and_loose_types_are_errors_not_guesses(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "tracer.yaml")
    assert message in str(caught.value)
