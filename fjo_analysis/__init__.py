"""Reproducible, accessible briefings on the family justice system of England and Wales."""

__version__ = "0.1.0"
