"""A strict YAML reader for rule packs: safe, line-aware, and unambiguous.

* Only ``SafeLoader`` (its C version when present): a rule file is data, never code; ``!!python/...`` tags
  are refused.
* Every mapping remembers the line of each key, so errors can point at ``file:line``.
* Duplicate keys are errors (plain PyYAML keeps the last one silently).
* Booleans are YAML 1.2's ``true``/``false`` only: YAML 1.1 reads Norway's code ``NO`` (and ``yes``, ``on``,
  ``off``) as booleans, which silently breaks country lists. Likewise ``010000`` is ten thousand (not octal
  4096) and ``1:30`` (base 60) is refused.
* Anchors and aliases are refused: about 600 bytes of nested aliases ("billion laughs") expand to gigabytes
  once validated or printed, and no rule file needs them.
* A file is read only when it is a regular file under `MAX_DATA_FILE`; an integer too long for Python
  (over 4,300 digits) is a located error, not a ``ValueError``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from fundmatch._errors import RulePackError
from fundmatch._files import MAX_DATA_FILE, FileProblem, decode_utf8, read_bytes

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL_TAG = "tag:yaml.org,2002:bool"


class LineDict(dict[str, Any]):
    """A mapping read from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class _StrictLoader(_Base):  # type: ignore[misc]
    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return self.construct_document(node)


def _refuse_aliases(root: yaml.Node) -> None:
    """Raise at the first node reached twice: the composer hands an alias over as the anchored node itself."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (&name, *name, <<:) are not allowed", node.start_mark
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))


_OCTAL_LOOKING = re.compile(r"^[-+]?0[0-9_]+$")


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(node.value)
    if ":" in text:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{text[:40]}' reads as a base-60 number in YAML 1.1; quote it", node.start_mark
        )
    try:
        if _OCTAL_LOOKING.match(text):
            return int(text.replace("_", ""), 10)  # YAML 1.2: a leading zero is still decimal
        return int(yaml.constructor.SafeConstructor.construct_yaml_int(loader, node))
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"number with too many digits ({len(text):,})", node.start_mark
        ) from None


# YAML 1.2 booleans only: drop the YAML 1.1 resolver (yes/no/on/off) and add a strict one.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {result.key_lines[key]})", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


#: Deeper than this, a YAML file is refused before parsing: libyaml's composer recurses in C, and some of its
#: releases overflow the C stack (a segmentation fault, not an exception) on brackets nested 100,000 deep.
MAX_NESTING = 1_000
_QUOTED_OR_COMMENT = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"|#[^\n]*")
_BRACKET = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest outside quoted strings and comments (linear in the text)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_QUOTED_OR_COMMENT.sub("", text)):
        if match.group(0) in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def parse_yaml(text: str, path: str | Path = "<string>") -> Any:
    """Parse YAML text strictly; a problem raises `RulePackError` naming ``path`` and the line."""
    if _flow_depth(text) > MAX_NESTING:
        raise RulePackError(f"YAML error: nesting too deep (more than {MAX_NESTING:,} levels)", path=path)
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        if "could not determine a constructor" in str(exc):
            problem = f"tag not allowed in a rule file ({problem})"
        raise RulePackError(f"YAML error: {problem}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise RulePackError(f"YAML error: {exc}", path=path) from None
    except RecursionError:
        raise RulePackError("YAML error: nesting too deep", path=path) from None
    except (ValueError, OverflowError) as exc:
        # e.g. a float or timestamp out of range; the message is the library's, cut short.
        raise RulePackError(f"YAML error: {str(exc)[:200]}", path=path) from None


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file strictly (see `parse_yaml`)."""
    path = Path(path)
    return parse_yaml_bytes(read_file(path), path)


def read_file(path: Path) -> bytes:
    """A data file's bytes (bounded, regular files only); a problem raises `RulePackError` naming it."""
    try:
        return read_bytes(path, MAX_DATA_FILE)
    except FileProblem as exc:
        raise RulePackError(f"cannot read file: {exc}", path=path) from None


def parse_yaml_bytes(data: bytes, path: Path) -> Any:
    """Decode (UTF-8, a bad byte located) and parse a file's bytes strictly (see `parse_yaml`)."""
    try:
        text = decode_utf8(data)
    except FileProblem as exc:
        line = int(str(exc).split(",")[0].removeprefix("line "))
        raise RulePackError(str(exc).split(": ", 1)[1], path=path, line=line) from None
    return parse_yaml(text, path)
