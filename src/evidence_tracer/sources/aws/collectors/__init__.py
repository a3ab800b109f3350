"""Collectors: one module per AWS service, each turning API responses into inventory values."""
