"""Benchmarks of the core, run by `menjin bench`."""
