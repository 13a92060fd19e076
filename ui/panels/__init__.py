"""Tabs of the side panel: overview, tasks, indicators, outfalls, and the point report."""
