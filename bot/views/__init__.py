"""Reusable Discord views and persistent components."""
