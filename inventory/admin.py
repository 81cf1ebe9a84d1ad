"""Admin for parts, BOMs, categories, manufacturers and suppliers."""
