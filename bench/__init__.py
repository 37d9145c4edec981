"""Benchmarks: each runs the project's path and a baseline in the same run and prints the ratio."""
