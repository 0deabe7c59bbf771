"""The benchmark suite: ``python -m bench`` (``--quick`` for CI). See bench/README.md."""
