"""Deterministic demo data (``mercato populatedb``)."""

from mercato.demo.populate import is_database_empty, populate_demo_data

__all__ = ["is_database_empty", "populate_demo_data"]
