"""Field rules of the inventory models: logo uploads (type, size) and BOM line quantities."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator

LOGO_MAX_BYTES = 512 * 1024
LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "webp", "gif"]

logo_extension_validator = FileExtensionValidator(allowed_extensions=LOGO_EXTENSIONS)


def validate_logo_size(file: UploadedFile) -> None:
    if file.size is not None and file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            f"Logo is {file.size // 1024} KiB; the limit is {LOGO_MAX_BYTES // 1024} KiB."
        )


BOM_QUANTITY_MESSAGE = "The quantity must be greater than 0."


def validate_bom_quantity(value: Decimal | None) -> None:
    """A BOM line's quantity per assembly is above zero: the one rule (and message) for the
    model, the API, the admin, the services and the CSV import; -1 and 0 read the same."""
    if value is not None and value <= 0:
        raise ValidationError(BOM_QUANTITY_MESSAGE, code="quantity_not_positive")
