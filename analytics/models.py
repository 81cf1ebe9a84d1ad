"""Production lines, OEE, forecasts, vendors, orders and data refreshes.

The models arrive with the OEE and order-map issues (see ARCHITECTURE.md); this app already
owns the role-group data migration because it is the one app that depends on both others.
"""
