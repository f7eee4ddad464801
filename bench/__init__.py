"""Benchmarks: scripts that print figures (see README.md here); never timed tests."""
