"""The officer's settings, set once in config.yaml in their own folder (see userdirs).

YAML, like the template descriptions, so one library reads both and the file can carry comments:

    # Better Care Manager(s) copied into every submission e-mail
    regional_manager: jo.bloggs@nhs.net

`regional_manager` may be one address or a list of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import BcfError
from .userdirs import config_file

# Enough to catch a typed name or a missing '@'; Outlook has the last word on an address.
_ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
EXAMPLE = "regional_manager: name@nhs.net"


@dataclass
class UserConfig:
    path: Path
    regional_managers: list[str] = field(default_factory=list)


def load_config(path: Path | None = None) -> UserConfig:
    """The settings in `path` (default: the officer's config file); none when it does not exist."""
    path = path or config_file()
    if not path.is_file():
        return UserConfig(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        raise BcfError(f"is not readable settings{line}", file=str(path),
                       hint=f"write one setting a line, like '{EXAMPLE}'") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BcfError("should hold settings such as 'regional_manager: ...'", file=str(path),
                       hint=f"write one setting a line, like '{EXAMPLE}'")
    managers = data.get("regional_manager") or []
    if isinstance(managers, str):
        managers = [managers]
    if not isinstance(managers, list) or not all(isinstance(m, str) for m in managers):
        raise BcfError("regional_manager should be an e-mail address, or a list of them", file=str(path),
                       hint=f"for example '{EXAMPLE}'")
    managers = [m.strip() for m in managers if m.strip()]
    for address in managers:
        if not _ADDRESS.match(address):
            raise BcfError(f"regional_manager '{address}' is not an e-mail address", file=str(path),
                           hint=f"for example '{EXAMPLE}'")
    return UserConfig(path, managers)


def regional_managers() -> list[str]:
    """The Better Care Manager address(es); a clear refusal saying how to set them when none is set."""
    config = load_config()
    if not config.regional_managers:
        raise BcfError("no regional Better Care Manager is set for the e-mail draft",
                       hint=f"write '{EXAMPLE}' (one address, or a list) in {config.path}, then run again")
    return config.regional_managers
