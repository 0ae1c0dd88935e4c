"""Data at the edges: the extract schema, reading and validation, synthesis and preparation."""
