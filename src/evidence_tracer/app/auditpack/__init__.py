"""The auditor package: gather what the verdict counted, then render it into signed files."""
