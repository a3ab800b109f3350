"""Evidence Tracer: read-only AWS evidence collection and SOC 2 readiness."""

__version__ = "0.1.0"
