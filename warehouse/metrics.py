"""Prometheus metrics of stock posting and of the nightly ledger verification."""

from prometheus_client import Counter, Gauge

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
STOCK_VERIFY_MISMATCHES = Gauge(
    "partline_stock_verify_mismatches",
    "Stock levels that differ from the ledger at the last verification.",
)
