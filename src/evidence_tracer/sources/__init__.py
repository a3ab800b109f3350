"""Evidence sources: the only code that talks to the outside world (see `base.EvidenceSource`)."""
