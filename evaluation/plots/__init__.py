"""Figures: each function takes a result frame and returns a matplotlib Figure."""
