"""Excel and Word in and out: safe reading, plan import, offline progress workbooks, ledger exports."""
