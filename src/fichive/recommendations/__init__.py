"""More like this: works similar to the one being read (shared rare tags, readers in common,
similar words), precomputed by tasks and filtered for each viewer on the work page."""
