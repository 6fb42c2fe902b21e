"""Models: queueing, the cost model of outsourced seats, consistency ranges, satisfaction regressions.

Models read the harmonised tables (they never re-run an earlier stage) and return frames and results.
"""
