"""Machinery the stages call in one line: the cache, the lock, atomic files, parallel work, progress, YAML."""
