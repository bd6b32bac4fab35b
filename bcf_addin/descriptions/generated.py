"""The bundled descriptions as JSON, for Python without PyYAML (xlwings Lite runs in the browser).

Each `KIND.yaml` has a `KIND.json` beside it holding the same data and a digest of the YAML it
was made from, so a description edited without regenerating its copy is refused by name rather
than read out of date. Regenerate after editing a description:

    python -m bcf_addin.descriptions.generated
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from ..errors import BcfError

REGENERATE = "python -m bcf_addin.descriptions.generated"


def digest(yaml_path: Path) -> str:
    """The YAML's text digest, line endings aside (a Windows checkout may turn them into CRLF)."""
    text = yaml_path.read_text(encoding="utf-8")
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def json_path(yaml_path: Path) -> Path:
    return yaml_path.with_suffix(".json")


def read(yaml_path: Path) -> dict:
    """The description's data from its JSON copy, when that copy was made from this YAML."""
    copy = json_path(yaml_path)
    try:
        stored = json.loads(copy.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BcfError("has no JSON copy, and PyYAML is not installed here to read the description itself",
                       file=str(yaml_path), hint=f"run `{REGENERATE}` where PyYAML is installed") from None
    except ValueError as exc:
        raise BcfError(f"is not readable JSON: {exc}", file=str(copy), hint=f"run `{REGENERATE}`") from None
    if stored.get("yaml_sha256") != digest(yaml_path):
        raise BcfError("was edited after its JSON copy was made, and PyYAML is not installed here to read it",
                       file=str(yaml_path), hint=f"run `{REGENERATE}` where PyYAML is installed")
    return stored["description"]


def write(yaml_path: Path) -> Path:
    import yaml

    data = yaml.load(yaml_path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    out = json_path(yaml_path)
    text = json.dumps({"yaml_sha256": digest(yaml_path), "description": data}, indent=1, ensure_ascii=False)
    out.write_text(text + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    from .. import paths

    folders = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or [paths.descriptions()]
    for folder in folders:
        for yaml_path in sorted(folder.glob("*.yaml")):
            print(write(yaml_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
