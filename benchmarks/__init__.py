"""Benchmarks: figures printed, never asserted (README, Benchmarks)."""
