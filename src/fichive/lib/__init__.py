"""Small helpers with no models: HTML sanitizing, text cleanup and word counting."""
