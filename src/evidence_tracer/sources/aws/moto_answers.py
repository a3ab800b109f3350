"""Where moto answers a read the scan makes unlike AWS documents it, it is taught AWS's answer here — for the
demo's in-process moto, the tests' moto servers and the benchmarks alike, so that none of them judges a scan
against an answer AWS would never give.

- EC2 DescribeSnapshots: AWS returns only the snapshots `RestorableByUserIds` names ("all": the public ones);
  moto ignores the parameter and returns every snapshot, which would make each one look public.
"""

from __future__ import annotations

import functools
from typing import Any


def teach_moto() -> None:
    """Patch moto's responses in this process (idempotent). moto is imported only here, only when called."""
    from moto.core.responses import ActionResult
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    if getattr(ElasticBlockStore.describe_snapshots, "_tracer_taught", False):
        return
    original = ElasticBlockStore.describe_snapshots

    @functools.wraps(original)
    def describe_snapshots(self: Any) -> Any:
        restorable = [str(v) for v in self._get_param("RestorableByUserIds", [])]
        if not restorable:
            return original(self)
        snapshots = self.ec2_backend.describe_snapshots(
            snapshot_ids=self._get_param("SnapshotIds", []), filters=self._filters_from_querystring()
        )
        return ActionResult(
            {
                "Snapshots": [
                    s
                    for s in snapshots
                    if ("all" in restorable and "all" in s.create_volume_permission_groups)
                    or set(restorable) & s.create_volume_permission_userids
                ]
            }
        )

    describe_snapshots._tracer_taught = True  # type: ignore[attr-defined]
    ElasticBlockStore.describe_snapshots = describe_snapshots  # type: ignore[method-assign]
