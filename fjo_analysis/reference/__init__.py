"""Shipped reference data: areas and approximate denominators (see each CSV's header)."""
