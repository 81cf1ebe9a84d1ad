"""CSV import and export of the inventory: BOMs (``bom``), parts (``parts``) and the exports
(``exports``), all over the one reader and writer in ``config.csv_io``."""
