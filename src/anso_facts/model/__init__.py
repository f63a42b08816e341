"""What the dataset is: its tables and fields, their schemas, vocabularies, metadata and the catalogue of problems."""
