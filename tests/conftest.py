"""Shared test configuration: hypothesis profile (no deadlines: timings belong in benchmarks/)."""

from hypothesis import settings

settings.register_profile("hedgekit", deadline=None, max_examples=100, derandomize=False)
settings.load_profile("hedgekit")
