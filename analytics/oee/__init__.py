"""OEE sub-domain: production lines, runs, downtime, daily OEE, forecasts and their accuracy."""
