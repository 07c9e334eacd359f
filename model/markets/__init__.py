"""Markets: plain functions and small classes from arrays to results, Mesa-free."""
