"""Independent checks of a return: completeness, values, money, minimum spend, arithmetic,
cross-sheet agreement and year-on-year rules, each with a stable code (see registry.py)."""
