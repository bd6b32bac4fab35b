"""The top-level data folders ship inside the package, so an installed add-in finds them."""
from setuptools import find_packages, setup

DATA_FOLDERS = {
    "bcf_addin._data.workbooks": "workbooks",
    "bcf_addin._data.ribbon": "ribbon",
    "bcf_addin._data.macros_bridge": "macros_bridge",
    "bcf_addin._data.docs": "docs",
}

setup(
    packages=find_packages(include=["bcf_addin", "bcf_addin.*"]) + list(DATA_FOLDERS),
    package_dir=DATA_FOLDERS,
)
