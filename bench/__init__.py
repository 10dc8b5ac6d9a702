"""Load benchmark of the kit: see bench/run.py and docs/performance.md."""
