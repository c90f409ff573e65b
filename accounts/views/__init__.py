"""The pages of accounts: security (password, second factor), audit (the log and its export), notifications."""
