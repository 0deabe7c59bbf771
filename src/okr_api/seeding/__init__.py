"""The data generator: a realistic organization and its quarters, through the commands."""

from okr_api.seeding.generator import SeedPlan, SeedReport, seed

__all__ = ["SeedPlan", "SeedReport", "seed"]
