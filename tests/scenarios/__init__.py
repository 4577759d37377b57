"""Recorded histories of the seeds, for integration and statistics tests."""
