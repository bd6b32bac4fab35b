"""`python -m bcf_addin.cli`, the same as `bcf`."""
from . import main

main(prog_name="bcf")
