"""Load the admin's YAML into a validated ``Config``, or explain every problem at once.

Errors are for humans: each names the file, the line and the dotted key, says what
was expected and what was found, and suggests the nearest known key for a typo
(``dealnudge.yaml:5: thresholds.stall_after_days: expected an integer, got
'fourteen'``). PyYAML's safe loader is used twice: ``compose`` keeps line numbers
for the error messages, ``construct`` gives plain data for pydantic.

Beyond validation the loader substitutes ``${ENV_VAR}`` in strings, resolves
relative paths against the config file's folder, and checks the cross-references
a schema cannot see (a Google source needs ``providers.google`` …).
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from dealnudge.config.paths import path_problems
from dealnudge.config.schema import Config
from dealnudge.config.yamlsafe import ConfigLoader, YamlRefused, read_config_text, scan
from pydantic import BaseModel, ValidationError

EXAMPLE_HINT = "see config/demo.yaml and docs/admin-guide.md for a complete example"
ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
Loc = tuple[int | str, ...]


class ConfigError(Exception):
    """One or more problems in the config file; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Document:
    """The YAML node tree of one file, for finding the line of any key path."""

    def __init__(self, path: Path, root: yaml.Node | None) -> None:
        self.path = path
        self.root = root

    def line(self, loc: Loc) -> int:
        node, best = self.root, 1
        if node is not None:
            best = node.start_mark.line + 1
        for part in loc:
            node = _child(node, part)
            if node is None:
                continue  # a pydantic-only step (a union tag): stay on the parent
            best = node.start_mark.line + 1
        return best

    def where(self, loc: Loc) -> str:
        return f"{self.path.name}:{self.line(loc)}"


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if key.value == part:
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def _key_node(doc: _Document, loc: Loc) -> yaml.Node | None:
    """The node of the *key* at ``loc`` (for unknown keys the value line is the same)."""
    node = doc.root
    for part in loc[:-1]:
        node = _child(node, part) or node
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if key.value == loc[-1]:
                return key
    return None


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def load_config(path: Path | str, *, require_paths: bool = False) -> Config:
    """Read, substitute, validate and resolve; raise ``ConfigError`` listing every problem.

    ``require_paths`` (``dealnudge check``) also refuses local paths that do not exist.
    """
    path = Path(path).expanduser()
    try:
        text = read_config_text(path)
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such config file ({EXAMPLE_HINT})"]) from None
    except YamlRefused as err:
        raise ConfigError([f"{path.name}:{err.line}: {err.message}"]) from None
    except OSError as err:
        raise ConfigError([f"{path}: cannot read the config file: {err.strerror or err}"]) from None
    return parse_config(text, path, require_paths=require_paths)


def parse_config(text: str, path: Path, *, require_paths: bool = False) -> Config:
    try:
        scan(text)
        root = yaml.compose(text, Loader=ConfigLoader)
        data = ConfigLoader(text).get_single_data() if root is not None else None
    except YamlRefused as err:
        raise ConfigError([f"{path.name}:{err.line}: {err.message}"]) from None
    except yaml.YAMLError as err:
        raise ConfigError([_yaml_problem(path, err)]) from None
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as err:
        raise ConfigError([f"{path.name}:1: this YAML cannot be read ({type(err).__name__})"]) \
            from None
    doc = _Document(path, root)
    problems = _duplicate_keys(doc, root, ()) + _unquoted_times(doc)
    if not isinstance(data, dict):
        raise ConfigError([(f"{path.name}:1: the file must be a mapping of keys "
                            f"(organization:, reps: …); {EXAMPLE_HINT}")])
    data = _substitute_env(data, (), doc, problems)
    try:
        config = Config.model_validate(data)
    except ValidationError as err:
        problems += [_describe(doc, e) for e in err.errors()]
        config = None
    if config is not None:
        problems += _cross_checks(config, doc)
    if problems:
        raise ConfigError(_unique(problems))
    assert config is not None  # noqa: S101 - narrows a type the lines above established
    config = resolve_paths(config, path.resolve().parent)
    wrong = path_problems(config, strict=require_paths)
    if wrong:
        raise ConfigError([f"{doc.where(loc)}: {dotted(loc)}: {why}" for loc, why in wrong])
    return config


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _yaml_problem(path: Path, err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(err, "problem", None) or str(err)
    return f"{path.name}:{line}: this is not valid YAML ({problem})"


def _duplicate_keys(doc: _Document, node: yaml.Node | None, loc: Loc) -> list[str]:
    out: list[str] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                out.append(f"{doc.path.name}:{key.start_mark.line + 1}: "
                           f"{dotted((*loc, key.value))}: the key is given twice")
            seen.add(key.value)
            out += _duplicate_keys(doc, value, (*loc, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out += _duplicate_keys(doc, item, (*loc, i))
    return out


def _unquoted_times(doc: _Document) -> list[str]:
    """YAML 1.1 reads unquoted 8:30:00 as the number 30600: only plain HH:MM is taken as meant."""
    loc: Loc = ("nudges", "send_at")
    node = _child(_child(doc.root, "nudges"), "send_at")
    if not isinstance(node, yaml.ScalarNode) or node.style is not None:
        return []
    if re.fullmatch(r"([01]?[0-9]|2[0-3]):[0-5][0-9]", node.value):
        return []
    return [(f"{doc.where(loc)}: {dotted(loc)}: unquoted {node.value} is not read as a time; "
             'write the time in quotes as "HH:MM" (24-hour), for example send_at: "08:30"')]


def _substitute_env(value: Any, loc: Loc, doc: _Document, problems: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _substitute_env(v, (*loc, str(k)), doc, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute_env(v, (*loc, i), doc, problems) for i, v in enumerate(value)]
    if isinstance(value, str) and "${" in value:
        def swap(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                problems.append(f"{doc.where(loc)}: {dotted(loc)}: the environment variable "
                                f"{name} is not set")
                return ""
            return os.environ[name]
        return ENV_PATTERN.sub(swap, value)
    return value


# --- pydantic errors as sentences -------------------------------------------------

_EXPECTED = {
    "int_parsing": "an integer", "int_from_float": "a whole number", "int_type": "an integer",
    "float_parsing": "a number", "float_type": "a number", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": "text", "list_type": "a list",
    "dict_type": "a mapping of keys", "model_type": "a mapping of keys",
    "time_parsing": "a time such as \"08:00\"", "time_type": "a time such as \"08:00\"",
    "date_parsing": "a date such as 2026-12-31", "date_from_datetime_parsing": "a date such as 2026-12-31",
}


def _describe(doc: _Document, error: Any) -> str:
    loc: Loc = tuple(error["loc"])
    kind, got = error["type"], error.get("input")
    clean = _strip_tags(loc)
    where = f"{doc.where(loc)}: {dotted(clean)}"
    if kind == "extra_forbidden":
        node = _key_node(doc, _strip_tags(loc))
        line = node.start_mark.line + 1 if node is not None else doc.line(loc)
        hint = _suggest(loc)
        return f"{doc.path.name}:{line}: {dotted(clean)}: unknown key{hint}"
    if kind == "missing":
        return f"{where}: this required key is missing"
    if kind in _EXPECTED:
        return f"{where}: expected {_EXPECTED[kind]}, got {_show(got)}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{where}: expected one of {expected}, got {_show(got)}"
    if kind == "union_tag_invalid":
        expected = error.get("ctx", {}).get("expected_tags", "")
        return f"{where}: kind must be one of {expected}, got {_show(error['ctx'].get('tag'))}"
    if kind == "union_tag_not_found":
        return f"{where}: a kind: is required ({error.get('ctx', {}).get('discriminator', '')})"
    bound = _bound(kind, error.get("ctx", {}), got)
    if bound:
        return f"{where}: {bound}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


_BOUNDS = {"greater_than": "more than {gt}", "greater_than_equal": "at least {ge}",
           "less_than": "less than {lt}", "less_than_equal": "at most {le}"}


def _bound(kind: str, ctx: dict[str, Any], got: Any) -> str | None:
    """Range and size errors as sentences (``at most 1440, got 1e+300``)."""
    if kind in _BOUNDS:
        limits = {k: _number(v) for k, v in ctx.items()}
        return f"must be {_BOUNDS[kind].format(**limits)}, got {_show(got)}"
    if kind == "finite_number":
        return f"must be a finite number, got {_show(got)}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s); the list is empty"
    return None


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value) if isinstance(value, str) else str(value)


def _strip_tags(loc: Loc) -> Loc:
    """Drop the discriminator values pydantic inserts into locations (``source.local.x``)."""
    out: list[int | str] = []
    model: Any = Config
    for part in loc:
        step = _step(model, part)
        if step is _TAG:
            continue
        out.append(part)
        model = step
    return tuple(out)


_TAG = object()


def _step(model: Any, part: int | str) -> Any:
    if isinstance(part, int):
        return _list_item(model)
    if _is_model(model):
        field = model.model_fields.get(part)
        return _unwrap(field.annotation) if field is not None else None
    if isinstance(model, list):  # a union of models: the part is a tag
        for member in model:
            kind = member.model_fields.get("kind")
            if kind is not None and part in typing.get_args(kind.annotation):
                return _TAG
    return None


def _list_item(model: Any) -> Any:
    origin = typing.get_origin(model)
    if origin is list:
        return _unwrap(typing.get_args(model)[0])
    return None


def _is_model(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, BaseModel)


def _unwrap(annotation: Any) -> Any:
    """Optional[X] → X; Annotated[Union[...]] → list of union members; list stays list."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = [_unwrap(a) for a in typing.get_args(annotation) if a is not type(None)]
        models = [m for m in members if _is_model(m)]
        if len(members) == 1:
            return members[0]
        return models if len(models) > 1 else (models[0] if models else None)
    return annotation


def _model_at(loc: Loc) -> Any:
    """The model class that owns the last key of ``loc`` (following union tags)."""
    model: Any = Config
    for part in loc[:-1]:
        if isinstance(model, list) and isinstance(part, str):
            model = next((m for m in model if part in typing.get_args(
                m.model_fields["kind"].annotation)), None)
            continue
        model = _step(model, part)
    return model


def _suggest(loc: Loc) -> str:
    model = _model_at(loc)
    if not _is_model(model):
        return ""
    known = list(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]}?"
    return f" (known keys: {', '.join(known)})"


# --- what the schema cannot see ---------------------------------------------------

def _cross_checks(config: Config, doc: _Document) -> list[str]:
    out: list[str] = []
    providers = config.providers
    needs = {"google": providers.google, "microsoft": providers.microsoft, "imap": providers.imap}
    seen: dict[str, int] = {}
    for i, rep in enumerate(config.reps):
        loc: Loc = ("reps", i, "source", "kind")
        kind = rep.source.kind
        if kind in needs and needs[kind] is None:
            out.append(f"{doc.where(loc)}: {dotted(loc)}: source kind {kind} needs a "
                       f"providers.{kind} section")
        if rep.email in seen:
            out.append(f"{doc.where(('reps', i, 'email'))}: reps[{i}].email: {rep.email} is "
                       f"already listed as reps[{seen[rep.email]}]")
        seen.setdefault(rep.email, i)
    delivery = config.nudges.delivery.kind
    sender_of = {"gmail": providers.google, "graph": providers.microsoft}
    if delivery in sender_of:
        provider = sender_of[delivery]
        loc = ("nudges", "delivery", "kind")
        name = "google" if delivery == "gmail" else "microsoft"
        if provider is None or provider.sender is None:
            out.append(f"{doc.where(loc)}: {dotted(loc)}: delivery {delivery} needs "
                       f"providers.{name}.sender (the mailbox that sends nudges)")
    return out


# --- relative paths ---------------------------------------------------------------

def resolve_paths(config: Config, base: Path) -> Config:
    """Every relative path (and a relative SQLite database) becomes absolute under ``base``."""
    resolved = _resolve_model(config, base)
    assert isinstance(resolved, Config)  # noqa: S101 - narrows a type the lines above established
    return resolved.model_copy(update={"database": _resolve_database(config.database, base)})


def _resolve_model(model: BaseModel, base: Path) -> BaseModel:
    updates = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        new = _resolve_value(value, base, name)
        if new is not value:
            updates[name] = new
    return model.model_copy(update=updates) if updates else model


def _resolve_value(value: Any, base: Path, name: str) -> Any:
    if isinstance(value, Path):
        value = value.expanduser()
        return value if value.is_absolute() else base / value
    if isinstance(value, BaseModel):
        return _resolve_model(value, base)
    if isinstance(value, list):
        items = [_resolve_value(v, base, name) for v in value]
        return items if any(a is not b for a, b in zip(items, value, strict=False)) else value
    if name == "calendar" and isinstance(value, str) and "://" not in value:
        path = Path(value).expanduser()
        return str(path if path.is_absolute() else base / path)
    return value


def _resolve_database(url: str, base: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
        rest = url[len(prefix):]
        if rest and rest != ":memory:":
            return prefix + str((base / Path(rest).expanduser()).resolve())
    return url
