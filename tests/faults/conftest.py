"""The fault tests start real workers: tests/workers.py."""
