"""Rule families, one module each, named for the family its codes' letter gives; each lists its rules in RULES."""
