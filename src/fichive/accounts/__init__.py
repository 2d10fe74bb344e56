"""Users, pseuds, sign-up and log-in."""
