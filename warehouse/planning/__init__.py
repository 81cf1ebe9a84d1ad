"""Build planning: buildable quantities and shortages from stock, BUILD drafts from plans.

selectors.py reads (plans, where to build), services.py writes (the BUILD draft), forms.py,
views.py and urls.py are the planner pages, exports.py the shortage CSV, api/ the REST API.
"""
