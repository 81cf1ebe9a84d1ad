"""Admin of the analytics app: each sub-domain registers its own models."""

from analytics.geo import admin as geo_admin  # noqa: F401  (cities, vendors, areas, sources, runs)
