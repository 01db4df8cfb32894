"""Where an instance comes from, as one string every MPI rank can be handed.

``PATH`` (a workbook or a folder of CSV files), ``example:NAME`` (a bundled
example) or ``random:components=100,configurations=200,scenarios=500,...`` (a
generated benchmark, the keywords of :func:`atoopt.generate.random_instance`;
``features`` joined by ``+``). A ``.pickle`` file is an :class:`Instance` one
process hands to the MPI ranks it launches.
"""

from __future__ import annotations

import inspect
import pickle
from pathlib import Path

from ..errors import AtooptError
from ..examples import example
from ..generate import FEATURES, random_instance
from ..instance import Instance, load

_RANDOM_KEYS = [name for name in inspect.signature(random_instance).parameters]


def open_source(source: str) -> Instance:
    """Read, generate or look up the instance named by ``source``."""
    if source.startswith("example:"):
        return example(source.removeprefix("example:"))
    if source.startswith("random:"):
        return random_instance(**random_arguments(source.removeprefix("random:")))
    if source.endswith(".pickle"):
        return pickle.loads(Path(source).read_bytes())
    return load(source)


def random_arguments(spec: str) -> dict:
    """``components=100,scenarios=500,features=lots+bounds`` as keyword arguments."""
    arguments: dict = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, _, value = item.partition("=")
        key = key.strip()
        if key not in _RANDOM_KEYS or not value:
            raise AtooptError(
                f"'random:{spec}': cannot read '{item}'. Write key=value pairs separated by commas, "
                f"keys among {', '.join(_RANDOM_KEYS)}, e.g. random:components=100,configurations=200,scenarios=500."
            )
        if key == "features":
            features = tuple(f for f in value.split("+") if f)
            unknown = sorted(set(features) - set(FEATURES))
            if unknown:
                raise AtooptError(f"'random:{spec}': unknown features {unknown}; choose among {', '.join(FEATURES)}.")
            arguments[key] = features
        elif key == "prices":
            arguments[key] = value.lower() in ("1", "true", "yes")
        else:
            try:
                arguments[key] = int(value)
            except ValueError:
                raise AtooptError(f"'random:{spec}': {key} must be a whole number, not '{value}'.") from None
    return arguments


def source_name(source: str) -> str:
    """A short name for outputs: the file stem, the example name or ``random``."""
    if source.startswith("example:"):
        return source.removeprefix("example:")
    if source.startswith("random:"):
        return "random"
    return Path(source).stem
