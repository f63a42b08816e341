"""`anso-facts build`: the checked rows written as the data package (Parquet, CSV, SQLite), and read back."""
