"""Reports, the moderation queue, hidden works, suspensions and bans, and the audit log."""
