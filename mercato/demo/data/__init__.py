"""The static vocabulary of the demo catalog, written for mercato."""
