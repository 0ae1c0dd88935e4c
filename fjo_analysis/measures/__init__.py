"""Pure measures over the processed cases: data in, tidy DataFrame out, no I/O."""
