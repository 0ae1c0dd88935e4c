"""General statistics: rates and intervals, comparisons, trends, survival."""
