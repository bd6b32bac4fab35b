"""Better Care Fund returns: populate, check and balance NHS England templates."""
__version__ = "0.1.0"
