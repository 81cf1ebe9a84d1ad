"""Upload checks for manufacturer logos: image type and size."""

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
