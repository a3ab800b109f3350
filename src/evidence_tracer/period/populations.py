"""The populations of a Type 2 period, each one declared query (adding one is one entry here, and its tests): from
the registers (register_populations) and from what the sources showed, scan by scan (observed_populations)."""

from __future__ import annotations

from evidence_tracer.period import observed_populations as observed
from evidence_tracer.period import register_populations as registers
from evidence_tracer.period.population import Population, PopulationInputs, PopulationSpec, Row, Uses

__all__ = ["POPULATIONS", "Population", "PopulationInputs", "PopulationSpec", "Row", "Uses"]

POPULATIONS: dict[str, PopulationSpec] = {
    spec.name: spec
    for spec in (
        PopulationSpec(
            "hires",
            "New hires",
            "GOV-04",
            ("id", "role", "joined", "background_check", "training_completed", "production_access"),
            "registers/people.yaml: people whose joined date falls in the period",
            registers.hires,
            "the background check result and the training completion of the hire",
        ),
        PopulationSpec(
            "terminations",
            "Terminations (leavers)",
            "AC-07",
            ("id", "left", "access_removed", "days_late", "observed_days_late", "systems"),
            "registers/people.yaml: people whose left date falls in the period, each account of theirs in the "
            "identity provider, GitHub and AWS (IAM, Identity Center) as the stored scans showed it",
            observed.terminations,
            "the deprovisioning record of every account (IdP, GitHub, AWS) on or before the last day",
            frozenset({Uses.SCANS}),
        ),
        PopulationSpec(
            "changes",
            "Changes to production (pull requests and direct pushes)",
            "CM-01",
            ("id", "repository", "kind", "author", "approvers", "ci", "merged_at", "concerns"),
            "the change populations tracer changes filed (CM-01): pull requests merged into each default branch "
            "and commits pushed to it without one (deploys are not yet listed)",
            observed.changes,
            "the pull request with its approval by someone other than the author and its CI run",
            frozenset({Uses.CHANGES}),
        ),
        PopulationSpec(
            "vulnerabilities",
            "Vulnerabilities and threats (GuardDuty and Security Hub high and critical findings)",
            "OPS-03",
            ("id", "type", "severity", "account", "region", "first_seen", "resolved", "days_open", "window_days"),
            "GuardDuty ListFindings/GetFindings (severity >= 7, not archived) and Security Hub GetFindings (HIGH or "
            "CRITICAL, active, not resolved) in each stored scan of the period",
            observed.vulnerabilities,
            "the triage record and the fix within the severity's remediation window",
            frozenset({Uses.SCANS}),
        ),
        PopulationSpec(
            "backups",
            "Backups and restore tests",
            "BC-01",
            ("id", "kind", "account", "region", "resource", "date", "state"),
            "AWS Backup ListBackupJobs in each stored scan, and registers/exercises.yaml: bcdr exercises",
            observed.backups,
            "the completed backup job, or the restore test's record and its result",
            frozenset({Uses.SCANS}),
        ),
        PopulationSpec(
            "access_reviews",
            "Access reviews",
            "AC-06",
            ("id", "date", "reviewer", "systems", "accounts_reviewed", "evidence_id"),
            "registers/access-reviews.yaml: reviews dated in the period",
            registers.access_reviews,
            "the review record, the access table reviewed and the changes it made",
        ),
        PopulationSpec(
            "incidents",
            "Security incidents",
            "IR-02",
            ("id", "severity", "detected", "resolved", "post_incident_review", "customer_impact"),
            "registers/incidents.yaml: incidents detected in the period",
            registers.incidents,
            "the incident ticket, its timeline and (sev1/sev2) the post-incident review",
        ),
        PopulationSpec(
            "training",
            "Security training completions",
            "GOV-05",
            ("id", "training_completed", "joined"),
            "registers/people.yaml: training completions dated in the period",
            registers.training,
            "the training provider's completion record",
        ),
        PopulationSpec(
            "acknowledgments",
            "Policy acknowledgments",
            "GOV-07",
            ("id", "person", "policy", "acknowledged_at", "sha256", "method"),
            "registers/policies.yaml: acknowledgments made in the period",
            registers.acknowledgments,
            "the acknowledgment record with the policy text's SHA-256",
        ),
    )
}
