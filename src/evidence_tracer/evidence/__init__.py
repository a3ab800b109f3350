"""The append-only evidence store (content-addressed blobs + SQLite index), export and verification."""
