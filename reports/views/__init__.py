"""The pages of reports: bulletins (list, request, frame, downloads) and excel (plan import, offline progress
workbooks, ledger exports)."""
