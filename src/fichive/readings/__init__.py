"""What readers read: history, Marked for Later, and hits (buffered, written in batches)."""
