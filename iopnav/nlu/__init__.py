"""Custom NLU components (chosen by measurement: docs/pipeline.md)."""
