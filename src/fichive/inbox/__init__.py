"""The inbox and notifications: what happened to your works and comments, on the site and
by mail, as each user's notification preferences say."""
