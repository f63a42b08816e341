"""`anso-facts site`: the review site, built from the built package."""
