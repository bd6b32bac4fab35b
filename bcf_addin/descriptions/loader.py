"""The template descriptions in use, by kind: bundled, the user's own, or named on the command line."""
from __future__ import annotations

from .. import paths
from ..errors import BcfError
from .lists import dependent_values, lists_of, list_values, previous_values  # noqa: F401  (where callers look)
from .reading import DescriptionError, bundled, load_file, yaml_path  # noqa: F401  (where callers look)
from .schema import TemplateDescription
from .sources import all_sources, bundled_kinds, extra_sources, overriding


def available_kinds() -> list[str]:
    """The kinds known: bundled, in the user's folder, or named with --description (see sources)."""
    return sorted({*bundled_kinds(), *(s.kind for s in extra_sources())})


def load(kind: str) -> TemplateDescription:
    """The description of `kind`: a named or user description of that kind before the bundled one."""
    return overriding(kind) or load_bundled(kind)


def load_bundled(kind: str) -> TemplateDescription:
    if not (paths.descriptions() / f"{kind}.yaml").is_file():
        raise BcfError(f"unknown template kind '{kind}'; known kinds: {', '.join(available_kinds())}")
    return bundled(kind)


# Tests that swap the bundled folder clear what was read from the old one.
load.cache_clear = bundled.cache_clear


def all_descriptions() -> list[TemplateDescription]:
    """Every description in use, in the order recognition tries them (see sources.all_sources)."""
    return [s.description for s in all_sources()]
