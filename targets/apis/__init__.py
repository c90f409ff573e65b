"""The REST API of targets: plans (plans, sections, targets, indicators, milestones, progress reports) and entry
(evidence, comments, versions, late-entry grants)."""
