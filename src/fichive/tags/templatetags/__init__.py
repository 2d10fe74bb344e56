"""Template helpers of the tags app."""
