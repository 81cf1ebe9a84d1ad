"""The stock data revision (see ``config.revisions``): bumped by every posting and cancellation
(whose balances are written in bulk, without signals) and by any change to a balance, location or
warehouse row. Cached API lists of stock levels (and of parts, whose filters read stock) read
under it."""

from config.revisions import Revision

STOCK = Revision("stock")
