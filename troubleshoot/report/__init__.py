"""The report layer: what check-env and scan produce (``model``) and the rules both
follow (``policy``: threshold, ignores, exit status). Formats consume it."""
