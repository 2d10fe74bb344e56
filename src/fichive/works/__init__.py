"""Works and chapters: posting, editing and reading."""
