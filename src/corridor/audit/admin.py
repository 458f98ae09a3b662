"""The audit log is not in the admin: auditors read it at /audit/, and nobody edits it."""
