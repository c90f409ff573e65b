"""The REST API of reports: plans (plan import) and bulletins (generated reports)."""
