"""The timeline of a check and resource over scans: each failing stretch, and the gaps in collection."""

from __future__ import annotations

from datetime import date

from evidence_tracer.models import Status
from evidence_tracer.period.timeline import collection_gaps, episodes
from tests.period.builders import day, finding, scan_at

P, F, E = Status.PASS, Status.FAIL, Status.ERROR
SG = "ec2_sg_open_admin_ports"


def test_an_episode_runs_from_the_first_failing_scan_to_the_first_passing_one() -> None:
    scans = [
        scan_at(0, finding(SG, "sg-1", P)),
        scan_at(1, finding(SG, "sg-1", F)),
        scan_at(2, finding(SG, "sg-1", E)),  # could not look: neither ends nor extends it
        scan_at(3, finding(SG, "sg-1", F)),
        scan_at(5, finding(SG, "sg-1", P)),
        scan_at(6, finding(SG, "sg-1", F)),  # a second episode, still open
    ]
    first, second = episodes(list(reversed(scans)))  # order of the input does not matter
    assert (first.first_failed, first.resolved, first.scans_failing) == (day(1), day(5), 2)
    assert first.first_scan == "s001" and first.resolved_scan == "s005" and first.days_open(day(9)) == 4
    assert (second.first_failed, second.resolved) == (day(6), None) and second.days_open(day(9)) == 3


def test_a_scan_that_did_not_look_there_does_not_resolve_it() -> None:
    scans = [
        scan_at(0, finding(SG, "sg-9", F, region="eu-west-1"), regions=("us-east-1", "eu-west-1")),
        scan_at(1, regions=("us-east-1",)),  # eu-west-1 not scanned
        scan_at(2, regions=("us-east-1", "eu-west-1")),  # scanned, and the group is gone
    ]
    (only,) = episodes(scans)
    assert only.resolved == day(2)


def test_days_without_a_scan_and_scans_that_could_not_look_are_collection_gaps() -> None:
    scans = [scan_at(0), scan_at(1, finding(SG, "sg-1", E)), scan_at(5), scan_at(6)]
    gaps = collection_gaps(scans, day(0).date(), day(9).date())
    assert [(g.start, g.end, g.what) for g in gaps] == [
        (day(1).date(), day(1).date(), "scan s001: 1 check(s) could not look"),
        (day(2).date(), day(4).date(), "no scan for 3 day(s)"),
        (day(7).date(), day(9).date(), "no scan for 3 day(s)"),
    ]
    weekly = collection_gaps(scans, day(0).date(), day(9).date(), allowed_days=6)
    assert [g.what for g in weekly] == ["scan s001: 1 check(s) could not look"]
    assert collection_gaps([], date(2027, 1, 1), date(2027, 1, 1))[0].what == "no scan for 1 day(s)"
