"""The pages of targets: plans (home, plan page), entry (My work, report entry), review (queue, late entry)."""
