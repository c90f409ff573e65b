"""Generated bulletins and dispatch reports (see the scheduled-reports work)."""
