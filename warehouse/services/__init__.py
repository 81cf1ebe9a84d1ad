"""Stock writes: warehouses and locations, numbered documents, posting and cancelling them,
the ledger check and the opening-balance import.

One module per seam (``warehouses``, ``documents``, ``posting``, ``idempotency``,
``verification``, ``stock_import``, their ``errors``); this package re-exports the names the
rest of the project uses, so ``from warehouse import services`` reads as before.
"""

from warehouse.services.documents import (
    DraftLine,
    build_requirements,
    document_check,
    document_create,
    document_create_once,
    document_discard,
    document_line_count_check,
    document_save,
    document_update,
    document_update_lines,
    documents_number,
    draft_check,
    lock_draft,
)
from warehouse.services.errors import (
    CancelRefusedError,
    DocumentStateError,
    IdempotencyKeyReusedError,
    InsufficientStockError,
    StockError,
    StockImportError,
)
from warehouse.services.idempotency import IdempotentAnswer, document_action_once
from warehouse.services.posting import document_cancel, document_post
from warehouse.services.stock_import import IMPORT_COLUMNS, stock_import_csv
from warehouse.services.verification import stock_verify
from warehouse.services.warehouses import (
    DEFAULT_RECEIVING_CODE,
    default_receiving_location,
    location_create,
    warehouse_create,
)

__all__ = [
    "DEFAULT_RECEIVING_CODE",
    "IMPORT_COLUMNS",
    "CancelRefusedError",
    "DocumentStateError",
    "DraftLine",
    "IdempotencyKeyReusedError",
    "IdempotentAnswer",
    "InsufficientStockError",
    "StockError",
    "StockImportError",
    "build_requirements",
    "default_receiving_location",
    "document_action_once",
    "document_cancel",
    "document_check",
    "document_create",
    "document_create_once",
    "document_discard",
    "document_line_count_check",
    "document_post",
    "document_save",
    "document_update",
    "document_update_lines",
    "documents_number",
    "draft_check",
    "location_create",
    "lock_draft",
    "stock_import_csv",
    "stock_verify",
    "warehouse_create",
]
