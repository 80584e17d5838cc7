"""The corpus generator and the benchmark (`make bench`)."""
