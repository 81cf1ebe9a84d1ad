"""Admin for warehouses, locations, stock and documents."""
