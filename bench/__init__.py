"""Benchmarks: each module prints its figures and can write them as JSON (`--json PATH`)."""
