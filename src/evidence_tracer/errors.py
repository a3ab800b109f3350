"""The one exception hierarchy. Third-party errors are converted into these at the boundary."""


class TracerError(Exception):
    """Root of every error Evidence Tracer raises on purpose."""


class ConfigError(TracerError):
    """A workspace file is missing, malformed or invalid. The message names file, line and field."""


class CredentialsError(TracerError):
    """No usable AWS credentials were found in the standard chain."""


class CollectionError(TracerError):
    """The scan as a whole cannot proceed (individual API failures are data, not exceptions)."""


class ReadOnlyViolation(TracerError):
    """Something tried to call an AWS operation that is not read-only."""


class EvidenceError(TracerError):
    """The evidence store or an exported package is unusable or has been tampered with."""


class WorkspaceLocked(EvidenceError):
    """Another tracer process holds the workspace lock."""


class GovernanceError(TracerError):
    """A register, owner or policy record is invalid."""


class StorageError(TracerError):
    """A file could not be written (a full or read-only disk, a permission): the message names file and cause;
    the file's previous content is untouched."""


class UnexpectedShape(CollectionError):
    """Collected data a check reads is not shaped as documented (a number that is not one, a date that does
    not parse): the check reports `error` for that part. Raised on purpose by the readers in checks/common.py;
    any other exception in a check is a bug, and is not turned into a finding."""
