"""Every enumeration the inventory app uses, in one place."""

from django.db import models


class UnitOfMeasure(models.TextChoices):
    PIECE = "pcs", "pieces"
    METRE = "m", "metres"
    GRAM = "g", "grams"
    KILOGRAM = "kg", "kilograms"
    MILLILITRE = "ml", "millilitres"
    SET = "set", "sets"


class WidthClass(models.TextChoices):
    FULL = "full", "Full width"
    HALF = "half", "Half width"


class Airflow(models.TextChoices):
    FRONT_TO_BACK = "front_to_back", "Front to back"
    BACK_TO_FRONT = "back_to_front", "Back to front"
    SIDE_TO_SIDE = "side_to_side", "Side to side"
    PASSIVE = "passive", "Passive (no fans)"


class DeviceType(models.TextChoices):
    SERVER = "server", "Server"
    SWITCH = "switch", "Switch"
    ROUTER = "router", "Router"
    FIREWALL = "firewall", "Firewall"
    STORAGE = "storage", "Storage"
    PDU = "pdu", "PDU"
    UPS = "ups", "UPS"
    PATCH_PANEL = "patch_panel", "Patch panel"
    KVM = "kvm", "KVM"
    OTHER = "other", "Other"
