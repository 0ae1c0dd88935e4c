"""Topic measures: what each topic counts, for the cases of one area.

Pure functions over the processed rows of one area (data in, tidy counts out, no I/O).
They return counts and the few figures that need case-level data (durations); rates,
shares, intervals and comparisons are derived later from the *protected* counts by
:mod:`fjo_analysis.figures`, so no published figure rests on an unprotected count.
"""
