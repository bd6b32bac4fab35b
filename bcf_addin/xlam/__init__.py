"""The Excel add-in: building bcf_addin.xlam, and installing it where Excel loads it."""

# Here, not in build.py, so that `bcf addin --help` can show it without loading the build (xlwings, ~1 s).
ADDIN_FILENAME = "bcf_addin.xlam"
