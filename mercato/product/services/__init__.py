"""Writes to the catalog, one module per kind of object.

Every public function here owns one transaction, validates its whole input before it
writes (raising ``ValidationFailed`` with every problem found) and rebuilds the search
index of the products it changes inside that transaction.
"""
