"""Console pages, one blueprint per area."""
