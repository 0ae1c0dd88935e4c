"""General statistics: rates and intervals, comparisons, trends, survival."""

#: What a comparison finds (published as written): a rate higher than, lower than or not
#: significantly different from the one it is compared with.
HIGHER, LOWER, NOT_SIGNIFICANT = "higher", "lower", "not significantly different from"
