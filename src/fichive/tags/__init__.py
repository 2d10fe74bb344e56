"""Tags: the one tag table for ratings, warnings, categories, fandoms, relationships,
characters and freeforms."""
