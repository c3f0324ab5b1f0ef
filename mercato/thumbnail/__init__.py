"""Resized and re-encoded copies of catalog images, generated on first request."""
