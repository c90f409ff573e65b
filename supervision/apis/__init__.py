"""The REST API of supervision: items (督办) and month-end snapshots."""
