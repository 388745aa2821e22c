"""Hostile rulebook, answers and log-mapping YAML: whatever the text, reading it ends in a result or an
error of the project's own type naming the file (and line where YAML has one) — never another exception,
never a hang. Fixed regressions found while fuzzing are kept at the top."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.errors import InputError, RedlineError, RulebookError
from redline.probes.log_retention.formats import load_directive
from redline.probes.log_retention.mapping import load_mapping
from redline.rulebook.lint import lint
from redline.rulebook.loader import DATA_DIR, default_rulebook, load_rulebook
from redline.rulebook.schema import Checklist, Regulation, TriggerFile, Vocabulary
from redline.services.assessment.assessing import run_assessment
from redline.yamldoc import MAX_DEPTH, load_model, parse_yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ANSWERS = (EXAMPLES / "chatbot-genai" / "answers.yaml").read_text(encoding="utf-8")
MODELS: dict[str, type[Regulation] | type[Checklist] | type[Vocabulary] | type[TriggerFile]] = {
    "regulations": Regulation,
    "checklists": Checklist,
    "vocabulary.yaml": Vocabulary,
    "triggers.yaml": TriggerFile,
}
RULEBOOK_FILES = sorted(
    [
        *DATA_DIR.glob("regulations/*.yaml"),
        *DATA_DIR.glob("checklists/*.yaml"),
        DATA_DIR / "vocabulary.yaml",
        DATA_DIR / "triggers.yaml",
    ]
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# --- regressions ---------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_quickly_instead_of_expanded() -> None:
    with pytest.raises(InputError, match="aliases are expanded") as caught:
        parse_yaml(_laughs(9), "bomb.yaml")  # 10^9 values if expanded
    assert caught.value.source == "bomb.yaml" and caught.value.line is not None


def test_a_few_aliases_still_work() -> None:
    assert parse_yaml("a: &x [1, 2]\nb: *x\n", "f.yaml").data == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize(
    "text",
    ["[" * 5000 + "]" * 5000, "a:\n" + "".join(" " * i + "- \n" for i in range(200)), "{a: " * 300 + "1" + "}" * 300],
)
def test_deep_nesting_is_refused_with_a_line_not_a_recursion_error(text: str) -> None:
    with pytest.raises(InputError, match=f"more than {MAX_DEPTH} levels") as caught:
        parse_yaml(text, "deep.yaml")
    assert caught.value.line is not None


def test_nesting_within_the_bound_is_read() -> None:
    depth = MAX_DEPTH - 2
    assert parse_yaml("[" * depth + "]" * depth, "f.yaml").data is not None


@pytest.mark.parametrize("text", ["&a [*a]", "&a {b: *a}"])
def test_a_self_referencing_alias_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="levels deep"):
        parse_yaml(text, "loop.yaml")


@pytest.mark.parametrize("text", ["2024-13-45: 1\n", "? !!float x\n: 2\n", "? [1, !!int x]\n: 1\n"])
def test_an_impossible_key_is_an_input_error_with_its_line(text: str) -> None:
    with pytest.raises(InputError, match="invalid value") as caught:
        parse_yaml(text, "keys.yaml")
    assert caught.value.line == 1


def test_an_evidence_name_too_long_for_the_file_system_is_an_input_error(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS.replace("- file: evidence/measures.md", f"- file: {'a' * 300}", 1), encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read") as caught:
        run_assessment(default_rulebook(), answers, draft=True)
    assert caught.value.source == str(answers)
    assert caught.value.field == "answers.ailabel2025-4-text-explicit.evidence.0.file"


def test_a_log_format_option_too_long_to_be_a_path_is_read_as_a_directive() -> None:
    with pytest.raises(InputError, match=r"no \$variables"):
        load_directive("a" * 300)


@pytest.mark.parametrize("text", ["account: 5\n", "time: true\n", "[" * 500 + "]" * 500, _laughs(8), "2024-13-45: x\n"])
def test_a_hostile_mapping_file_is_an_input_error_naming_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(str(path))
    assert caught.value.source == str(path)


# --- properties ----------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """A copy of `original` with a few line edits: the near-misses a hand edit or a bad merge makes."""
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["drop", "dup", "indent", "dedent", "cut", "insert", "swap", "char"]))
        line = lines[at]
        if edit == "drop":
            del lines[at]
        elif edit == "dup":
            lines.insert(at, line)
        elif edit == "indent":
            lines[at] = "  " + line
        elif edit == "dedent":
            lines[at] = line[2:]
        elif edit == "cut":
            lines[at] = line[: draw(st.integers(0, len(line)))]
        elif edit == "insert":
            lines.insert(at, draw(st.text(max_size=30)))
        elif edit == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], line
        else:
            pos = draw(st.integers(0, len(line)))
            lines[at] = line[:pos] + draw(st.sampled_from(list(":-[]{}&*!|>'\"#%@`,? \t\x00é"))) + line[pos + 1 :]
    return "\n".join(lines) + "\n"


def _model_for(path: Path) -> type[Regulation] | type[Checklist] | type[Vocabulary] | type[TriggerFile]:
    return MODELS.get(path.parent.name) or MODELS[path.name]


def _load_rulebook_text(path: Path, text: str) -> None:
    source = str(path)
    try:
        load_model(_model_for(path), parse_yaml(text, source), error_type=RulebookError)
    except (InputError, RulebookError) as exc:
        assert exc.source == source


@FUZZ
@given(st.data())
def test_mutated_rulebook_files_load_or_fail_naming_the_file(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(RULEBOOK_FILES))
    _load_rulebook_text(path, data.draw(mutated(path.read_text(encoding="utf-8"))))


@FUZZ
@given(st.sampled_from(RULEBOOK_FILES), st.text(max_size=300))
def test_arbitrary_text_as_a_rulebook_file_loads_or_fails_naming_the_file(path: Path, text: str) -> None:
    _load_rulebook_text(path, text)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_whole_rulebook_with_a_mutated_file_loads_and_lints_or_fails_naming_the_file(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(RULEBOOK_FILES))
    text = data.draw(mutated(path.read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(DATA_DIR, copy)
        target = copy / path.relative_to(DATA_DIR)
        target.write_text(text, encoding="utf-8")
        try:
            book = load_rulebook(copy)
        except (InputError, RulebookError) as exc:
            assert exc.source == str(target)
            return
        report = lint(book)  # a loadable book lints to a report, never an exception
        assert all(problem.message for problem in report.errors)


def _assess(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            run_assessment(default_rulebook(), path, draft=True)
        except InputError as exc:
            assert exc.source == str(path)
            assert exc.line is not None or exc.field is not None or "YAML" in exc.message, str(exc)


@FUZZ
@given(mutated(ANSWERS))
def test_mutated_answers_files_assess_or_fail_naming_file_and_place(text: str) -> None:
    _assess(text)


values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10), st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["redline", "service", "change", "assessment", "checklists", "answers"]), values)
def test_answers_with_a_section_replaced_by_anything_fail_naming_file_and_place(section: str, value: object) -> None:
    document = yaml.safe_load(ANSWERS)
    document[section] = value
    _assess(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text_as_a_log_mapping_reads_or_fails_naming_the_file(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mapping.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            mapping = load_mapping(str(path))
        except RedlineError as exc:
            assert isinstance(exc, InputError) and exc.source == str(path)
            return
        assert all(isinstance(name, str) for names in mapping.values() for name in names)
