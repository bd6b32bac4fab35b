"""The Excel add-in: building bcf_addin.xlam, and installing it where Excel loads it."""
