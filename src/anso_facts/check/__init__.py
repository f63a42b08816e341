"""`anso-facts check`: the fact files loaded, checked against the seeds and the rules, turned into rows."""
