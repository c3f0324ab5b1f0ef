"""Deterministic demo data (``mercato populatedb``)."""

from mercato.demo.populate import DemoDataError, is_database_empty, populate_demo_data

__all__ = ["DemoDataError", "is_database_empty", "populate_demo_data"]
