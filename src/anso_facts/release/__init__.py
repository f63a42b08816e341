"""`anso-facts diff`, `release` and `publish`: what changed, the release archive and its publishers."""
