"""Every enumeration the warehouse app uses, in one place."""

from django.db import models


class LocationKind(models.TextChoices):
    RECEIVING = "receiving", "Receiving"
    ZONE = "zone", "Zone"
    ROOM = "room", "Room"
    RACK = "rack", "Rack"
    SHELF = "shelf", "Shelf"
    BIN = "bin", "Bin"


class RackWidth(models.IntegerChoices):
    INCH_19 = 19, '19"'
    INCH_23 = 23, '23"'


class DocumentType(models.TextChoices):
    RECEIPT = "RECEIPT", "Receipt"
    ISSUE = "ISSUE", "Issue"
    TRANSFER = "TRANSFER", "Transfer"
    ADJUSTMENT = "ADJUSTMENT", "Adjustment (count)"
    BUILD = "BUILD", "Build"


DOCUMENT_NUMBER_PREFIX = {
    DocumentType.RECEIPT: "REC",
    DocumentType.ISSUE: "ISS",
    DocumentType.TRANSFER: "TRF",
    DocumentType.ADJUSTMENT: "ADJ",
    DocumentType.BUILD: "BLD",
}


class DocumentStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    POSTED = "POSTED", "Posted"
    CANCELLED = "CANCELLED", "Cancelled"


class AssetStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    MAINTENANCE = "maintenance", "Maintenance"
    FAILED = "failed", "Failed"


class RackFace(models.TextChoices):
    FRONT = "front", "Front"
    REAR = "rear", "Rear"


class CableType(models.TextChoices):
    CAT6 = "cat6", "Cat6"
    CAT6A = "cat6a", "Cat6a"
    FIBER_OM4 = "fiber_om4", "Fibre OM4"
    FIBER_OS2 = "fiber_os2", "Fibre OS2"
    DAC = "dac", "DAC"
    POWER = "power", "Power"
    SERIAL = "serial", "Serial"
    OTHER = "other", "Other"
