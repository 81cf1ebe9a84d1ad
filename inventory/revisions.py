"""The inventory data revision (see ``config.revisions``): bumped by every change to parts, their
categories and manufacturers, and by every BOM change (which may mark a part as an assembly with a
bulk ``update``). Cached API lists of parts read under it."""

from config.revisions import Revision

PARTS = Revision("parts")
