"""Comments on works and chapters: threads, replies, moderation, freezing, hiding."""
