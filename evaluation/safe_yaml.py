"""YAML from users (configs, mappings, margins) read with limits.

``yaml.safe_load`` refuses Python tags, but not a few hundred bytes of nested aliases that expand
to billions of nodes when the result is walked or written out (a "billion laughs" bomb), nor a
document nested thousands of levels deep. Each user file is checked event by event first, and
read only when it stays within :data:`MAX_BYTES`, :data:`MAX_ALIASES` and :data:`MAX_DEPTH`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from evaluation.errors import InputError

MAX_BYTES = 5_000_000
MAX_ALIASES = 20  # a bomb needs many (9 levels of 9: 81); settings need few or none
MAX_DEPTH = 40


def load_yaml(path: Path | str, loader: type = yaml.SafeLoader) -> object:
    """Parse a user's YAML file within the limits; an :class:`InputError` names what is wrong."""
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"the file is larger than {MAX_BYTES:,} bytes: not a settings file", path)
    text = path.read_text(encoding="utf-8")
    aliases = depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise InputError(f"more than {MAX_ALIASES} YAML aliases (*name)", path)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(f"nested more than {MAX_DEPTH} levels deep", path)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=path) from exc
