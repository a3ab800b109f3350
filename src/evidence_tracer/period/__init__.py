"""The observation period of a Type 2 examination, from the stored scans and the registers: drift between
scans, the timeline of every check and resource, deviations against their remediation windows. Pure values in,
values out; no I/O."""
