"""The load cache (fundmatch/_cache.py) never changes an answer: equal to a fresh parse, never trusted when wrong.

Every shipped expression's cached record is the one a fresh parse gives (and the vocabulary and country names
read back are those read from their sources); a corrupt, foreign or stale file is
ignored and the expressions parsed anew; an edited rule file misses the cache and is checked (and refused, with
file and rule) by rule-engine; an unwritable cache folder only means no cache.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fundmatch
from fundmatch import _cache, _country_names, _expressions
from fundmatch._errors import RulePackError
from fundmatch._pack import compiled_funds
from fundmatch._parse import analyse
from fundmatch._resources import PeriodLayout, period_folder
from fundmatch._vocabulary import Vocabulary
from tests.conftest import idea, profile

_PROFILES = [
    profile(),
    profile(population=160_000, degurba=1, leader_lag=False, border_region=False),
    profile(country="DE", nuts="DEA5B", population=900, eu_project_staff_fte=None),
    profile(country="SE", nuts="SE123", third_country_national_share=0.3, eu_project_staff_fte=0.1),
]
_IDEAS = [
    idea(),
    idea(themes=["digital"], target_groups=["general_population"], activities=["equipment"], partners=[]),
    idea(themes=[], target_groups=[], activities=[], description="Sprachkurse für Geflüchtete im Gemeindezentrum"),
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of this test only, and a store that has read nothing yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("FUNDMATCH_CACHE_DIR", str(folder))
    monkeypatch.setattr(_expressions, "_RECORDS", _cache.Store("expressions", _expressions._cache_key))
    yield folder


def _fresh_store() -> None:
    """Forget what this process read, as a new process would."""
    _expressions._RECORDS = _cache.Store("expressions", _expressions._cache_key)


def _texts(pack: fundmatch.RulePack) -> set[str]:
    found = set()
    for fund in compiled_funds(pack).values():
        conditions = [r.condition for r in fund.rules] + [r.undecided for r in fund.rules]
        conditions += [p.condition for r in fund.rules for p in r.priors]
        conditions += [r.condition for r in fund.rates] + [s.condition for s in fund.next_steps]
        conditions += [r.condition for r in fund.routes]
        found |= {c.text for c in conditions if c is not None}
    return found


def _answers(pack: fundmatch.RulePack) -> list[str]:
    return [pack.match(p, i).model_dump_json() for p in _PROFILES for i in _IDEAS]


def _cache_file(folder: Path) -> Path:
    (found,) = folder.glob("expressions-*.json")
    return found


def test_every_shipped_expression_is_cached_as_a_fresh_parse_gives_it(cache: Path) -> None:
    pack = fundmatch.RulePack(fundmatch.load_rules().folder)
    header, _, body = _cache_file(cache).read_bytes().partition(b"\n")
    records = json.loads(body)
    texts = _texts(pack)
    assert texts and texts <= set(records)
    for text in texts:
        _, fresh = analyse(text)
        assert records[text] == fresh, text
    assert json.loads(header)["key"] == _expressions._cache_key()


def test_a_pack_read_from_the_cache_answers_as_a_freshly_parsed_one(cache: Path) -> None:
    folder = fundmatch.load_rules().folder
    parsed = fundmatch.RulePack(folder)
    _fresh_store()
    cached = fundmatch.RulePack(folder)
    # Read back, not parsed: no condition has its rule-engine rule until one is asked for.
    conditions = [r.condition for f in compiled_funds(cached).values() for r in f.rules]
    assert all(c._rule is None for c in conditions)
    # (an expression written twice is parsed once: its second condition is built from the first's record)
    assert any(c._rule is not None for f in compiled_funds(parsed).values() for c in (r.condition for r in f.rules))
    assert _answers(cached) == _answers(parsed)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"not json at all",
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: raw.replace(b'"ir":["', b'"ir":["x', 1),  # body changed: the checksum no longer holds
        lambda raw: b"",
    ],
    ids=["garbage", "truncated", "bit-flip", "empty"],
)
def test_a_damaged_cache_file_is_ignored_and_rewritten(cache: Path, damage: object) -> None:
    folder = fundmatch.load_rules().folder
    expected = _answers(fundmatch.RulePack(folder))
    path = _cache_file(cache)
    good = path.read_bytes()
    path.write_bytes(damage(good))  # type: ignore[operator]
    _fresh_store()
    assert _answers(fundmatch.RulePack(folder)) == expected
    assert path.read_bytes() == good, "the damaged file is replaced by a whole one"


def _rewrite_records(path: Path, change: object) -> None:
    header, _, body = path.read_bytes().partition(b"\n")
    records = json.loads(body)
    change(records)  # type: ignore[operator]
    body = json.dumps(records).encode()
    meta = json.loads(header)
    meta["sha256"] = hashlib.sha256(body).hexdigest()
    path.write_bytes(json.dumps(meta).encode() + b"\n" + body)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update({t: {"reads": ["no_such_fact"], "thresholds": {}, "ir": None} for t in r}),
        lambda r: r.update({t: {"reads": [], "thresholds": {}, "ir": ["exec", "print(1)"]} for t in r}),
        lambda r: r.update({t: ["not", "a", "record"] for t in r}),
    ],
    ids=["unknown-fact", "unknown-node", "not-a-record"],
)
def test_a_record_that_does_not_fit_is_parsed_anew(cache: Path, change: object) -> None:
    # A file with the right key and checksum whose records are malformed (what a bug or a hand edit leaves):
    # each is refused by the closures' compiler or the record check and parsed anew, then rewritten whole.
    # (A well-formed record of another meaning is refused by the key: see the next test.)
    folder = fundmatch.load_rules().folder
    expected = _answers(fundmatch.RulePack(folder))
    path = _cache_file(cache)
    good = json.loads(path.read_bytes().partition(b"\n")[2])
    _rewrite_records(path, change)
    _fresh_store()
    assert _answers(fundmatch.RulePack(folder)) == expected
    assert json.loads(path.read_bytes().partition(b"\n")[2]) == good


def test_a_file_with_another_key_is_not_read(cache: Path) -> None:
    folder = fundmatch.load_rules().folder
    expected = _answers(fundmatch.RulePack(folder))
    path = _cache_file(cache)
    # Another fundmatch or rule-engine version: same name (forced here), other key, wrong records.
    _rewrite_records(path, lambda r: r.update({t: {"reads": [], "thresholds": {}, "ir": ["bool", True]} for t in r}))
    header, _, body = path.read_bytes().partition(b"\n")
    meta = json.loads(header)
    meta["key"] = "0" * 64
    path.write_bytes(json.dumps(meta).encode() + b"\n" + body)
    _fresh_store()
    assert _answers(fundmatch.RulePack(folder)) == expected


def _one_line_rule(pack: fundmatch.RulePack, text: str) -> tuple[int, str]:
    """An AMIF rule written on one line (``when: ...``), by index, and that line."""
    for i, rule in enumerate(compiled_funds(pack)["AMIF"].rules):
        for line in text.splitlines():
            if line.strip() in (f"when: {rule.condition.text}", f'when: "{rule.condition.text}"'):
                return i, line
    raise AssertionError("no AMIF rule written on one line")


def test_an_edited_rule_misses_the_cache_and_is_checked(cache: Path, pack_copy: Path) -> None:
    before = fundmatch.RulePack(pack_copy)
    amif = pack_copy / "amif.yaml"
    text = amif.read_text(encoding="utf-8")
    # A rule's condition, misspelt: not found in the cache, so parsed, and refused with file, rule and fix.
    i, line = _one_line_rule(before, text)
    amif.write_text(text.replace(line, line.split("when:")[0] + 'when: "populaton > 0"', 1), encoding="utf-8")
    _fresh_store()
    with pytest.raises(RulePackError) as caught:
        fundmatch.RulePack(pack_copy)
    assert caught.value.path == amif
    assert caught.value.rule_id == compiled_funds(before)["AMIF"].rules[i].spec.id
    assert "populaton" in str(caught.value)
    assert caught.value.suggestion == "population"


def test_an_edited_rule_gives_the_new_answer(cache: Path, pack_copy: Path) -> None:
    before = fundmatch.RulePack(pack_copy)
    amif = pack_copy / "amif.yaml"
    text = amif.read_text(encoding="utf-8")
    i, line = _one_line_rule(before, text)
    amif.write_text(text.replace(line, line.split("when:")[0] + 'when: "false"', 1), encoding="utf-8")
    _fresh_store()
    rule = compiled_funds(fundmatch.RulePack(pack_copy))["AMIF"].rules[i]
    assert rule.condition.text == "false"
    assert rule.condition.closure is not None and rule.condition.closure({}) is False
    assert compiled_funds(before)["AMIF"].rules[i].condition.text != "false"


def test_an_unwritable_cache_folder_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FUNDMATCH_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(_expressions, "_RECORDS", _cache.Store("expressions", _expressions._cache_key))
    pack = fundmatch.RulePack(fundmatch.load_rules().folder)
    assert pack.match(_PROFILES[0], _IDEAS[0]).ranking
    assert blocker.read_text() == "not a folder"


def test_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FUNDMATCH_CACHE_DIR", str(tmp_path))
    assert _cache.cache_dir() == tmp_path
    monkeypatch.setenv("FUNDMATCH_CACHE_DIR", "")
    assert _cache.cache_dir() is None
    _cache.write("x.json", "k", {"a": 1})  # switched off: nothing written, nothing read
    assert _cache.read("x.json", "k") is None
    monkeypatch.delenv("FUNDMATCH_CACHE_DIR")
    if sys.platform not in ("win32", "darwin"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert _cache.cache_dir() == tmp_path / "xdg" / "fundmatch"


def test_read_refuses_another_key_and_a_bad_checksum(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FUNDMATCH_CACHE_DIR", str(tmp_path))
    _cache.write("x.json", "key-1", {"a": [1, "b"]})
    assert _cache.read("x.json", "key-1") == {"a": [1, "b"]}
    assert _cache.read("x.json", "key-2") is None
    path = tmp_path / "x.json"
    path.write_bytes(path.read_bytes().replace(b'"b"', b'"c"'))
    assert _cache.read("x.json", "key-1") is None


# --- the vocabulary and the country names ------------------------------------------------------------------

_VOCABULARY = PeriodLayout(period_folder("2021-2027")).vocabulary
_TEXTS = [
    "Sprachkurse und Jobcoaching für Geflüchtete im Gemeindezentrum",
    "corsi di italiano per donne bengalesi con servizio di babysitting; nessun lavoro edile",
    "Not only for refugees but for all residents. Kinderbetreung, Svenska för invandrare.",
]


def _state(vocab: Vocabulary) -> tuple[Any, ...]:
    return (
        vocab.version,
        vocab._patterns,
        vocab._terms,
        vocab._implies,
        vocab._exact,
        vocab._prefix,
        vocab._suffix,
        vocab._infix,
        vocab._fuzzy,
        vocab._by_first,
        [vocab.infer(text) for text in _TEXTS],
    )


def _vocabulary_file(folder: Path) -> Path:
    (found,) = folder.glob("vocabulary-*.json")
    return found


def test_a_vocabulary_read_from_the_cache_is_the_one_read_from_its_file(cache: Path) -> None:
    fresh = Vocabulary.load(_VOCABULARY)
    assert _vocabulary_file(cache).is_file()
    cached = Vocabulary.load(_VOCABULARY)
    assert _state(cached) == _state(fresh)
    assert cached.infer(_TEXTS[0]), "the comparison compares findings"


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 3],
        lambda raw: raw.replace(b'"themes"', b'"themez"', 1),  # checksum no longer holds
        lambda raw: b"{}\n{}",
    ],
    ids=["truncated", "bit-flip", "empty-record"],
)
def test_a_damaged_vocabulary_cache_is_ignored(cache: Path, damage: Any) -> None:
    fresh = Vocabulary.load(_VOCABULARY)
    path = _vocabulary_file(cache)
    path.write_bytes(damage(path.read_bytes()))
    assert _state(Vocabulary.load(_VOCABULARY)) == _state(fresh)


def test_a_vocabulary_record_that_does_not_fit_is_read_from_the_file(cache: Path) -> None:
    fresh = Vocabulary.load(_VOCABULARY)
    path = _vocabulary_file(cache)
    header, _, body = path.read_bytes().partition(b"\n")
    record = json.loads(body)
    record["terms"][0][4] = [len(record["patterns"]) + 5]  # a pattern that does not exist
    body = json.dumps(record).encode()
    meta = json.loads(header)
    meta["sha256"] = hashlib.sha256(body).hexdigest()
    path.write_bytes(json.dumps(meta).encode() + b"\n" + body)
    assert _state(Vocabulary.load(_VOCABULARY)) == _state(fresh)


def test_an_edited_vocabulary_misses_the_cache(cache: Path, pack_copy: Path) -> None:
    path = pack_copy / "vocabulary.yaml"
    before = Vocabulary.load(path)
    assert any(t.id == "refugees" for t in before.infer("Sprachkurse für Geflüchtete"))
    # The German refugee terms renamed to an unknown id: refused with file and line, although cached.
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  refugees:", "  refugeez:", 1), encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        Vocabulary.load(path)
    assert caught.value.path == path and caught.value.line and caught.value.suggestion == "refugees"
    # Another version and a term's word changed everywhere: the next load reads the file, not the cache.
    edited = re.sub(
        r"^version:.*$", "version: edited", text.replace("Geflüchtete", "Geflxxchtete"), count=1, flags=re.M
    )
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    after = Vocabulary.load(path)
    assert after.version == "edited"
    assert any(t.id == "refugees" for t in after.infer("Sprachkurse für Geflxxchtete"))


def test_country_names_from_the_cache_are_the_ones_read_from_cldr(cache: Path) -> None:
    _country_names._entries.cache_clear()
    try:
        fresh = _country_names._entries()
        assert (cache / "country-names.json").is_file()
        _country_names._entries.cache_clear()
        assert _country_names._entries() == fresh == _country_names._read_entries()
        assert fresh[_country_names.name_key("Deutschland")][0] == "DE"
    finally:
        _country_names._entries.cache_clear()
