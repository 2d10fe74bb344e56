"""Tags: the one tag table (ratings, warnings, categories, fandoms, relationships, characters, freeforms)."""
