"""Data: the Trust Services Criteria, the check catalog and the control library."""
