"""Prometheus metrics of stock posting and of the nightly ledger verification."""

import logging
from collections.abc import Iterator

from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger("partline.warehouse")

DOCUMENTS_POSTED = Counter(
    "partline_documents_posted_total",
    "Stock documents posted, by document type.",
    ["doc_type"],
)
DOCUMENT_LINES_POSTED = Counter(
    "partline_document_lines_posted_total",
    "Document lines posted.",
)
DOCUMENT_POST_FAILURES = Counter(
    "partline_document_post_failures_total",
    "Postings refused or failed, by reason.",
    ["reason"],
)
DOCUMENTS_CANCELLED = Counter(
    "partline_documents_cancelled_total",
    "Posted stock documents cancelled, by document type.",
    ["doc_type"],
)


class StockVerificationCollector(Collector):
    """The latest StockVerification row, read from the database at every scrape.

    Whichever process ran the verification (the Celery worker, which serves no /metrics), every
    web process exports the same figures: no process keeps its own copy of them. No
    verification yet, or a database that does not answer: nothing is exported (an absent
    series, which alerting rules can tell apart from "0 mismatches").
    """

    MISMATCHES = "partline_stock_verify_mismatches"
    LAST_RUN = "partline_stock_verify_last_run_timestamp_seconds"

    def _families(self) -> tuple[GaugeMetricFamily, GaugeMetricFamily]:
        return (
            GaugeMetricFamily(
                self.MISMATCHES,
                "Stock levels that differed from the ledger at the last verification.",
            ),
            GaugeMetricFamily(
                self.LAST_RUN,
                "When the last stock verification finished (Unix time, seconds).",
            ),
        )

    def describe(self) -> Iterator[Metric]:
        yield from self._families()

    def collect(self) -> Iterator[Metric]:
        from warehouse.selectors import latest_verification

        try:
            latest = latest_verification()
        except Exception:  # the database is down or not migrated: export nothing, say why
            logger.warning("stock verification metrics unavailable", exc_info=True)
            return
        if latest is None:
            return
        mismatches, last_run = self._families()
        mismatches.add_metric([], latest.mismatch_count)
        last_run.add_metric([], latest.finished_at.timestamp())
        yield mismatches
        yield last_run
