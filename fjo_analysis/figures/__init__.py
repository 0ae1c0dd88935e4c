"""The statistics store: every figure the release publishes, for every area, protected once.

``compute`` counts every table for every area from the processed cases; ``protect``
(in :mod:`fjo_analysis.disclosure.joint`) decides, over the whole release at once, which
counts are suppressed; ``derive`` computes rates, shares, intervals, comparisons and
trends from the protected counts only; ``store`` writes the result to ``build/stats/`` and
reads it back for the briefings. No briefing counts rows.
"""
