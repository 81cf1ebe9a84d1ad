"""Prometheus: the age of the last good refresh of each kind of order-map data (from the DB)."""

import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger("partline.analytics")


class FreshnessCollector(Collector):
    """partline_geo_refresh_age_seconds{kind}: absent until a first good refresh of that kind."""

    NAME = "partline_geo_refresh_age_seconds"

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily(
            self.NAME, "Seconds since the last good refresh of order-map data.", labels=["kind"]
        )

    def describe(self) -> Iterator[Metric]:
        yield self._family()

    def collect(self) -> Iterator[Metric]:
        from analytics.geo.selectors import freshness

        try:
            fresh = freshness()
        except Exception:  # the database is down or not migrated: export nothing
            logger.warning("order-map freshness metrics unavailable", exc_info=True)
            return
        family = self._family()
        for kind, figures in fresh.items():
            if figures["age_seconds"] is not None:
                family.add_metric([kind], figures["age_seconds"])
        yield family
