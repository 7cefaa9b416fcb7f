"""Korean and English: every string a student reads has a Korean translation (the grader's words and
the hidden suite's names, hints and mistakes), the committed .mo files are the compiled .po files,
a Korean feedback page has no English sentence left, and the language is chosen per run or by the
manifest."""

from __future__ import annotations

import gettext
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from grader import diagnosis, i18n
from grader.assignment import ManifestError, assignment_names, load_assignment
from grader.cli import main
from grader.kit_harness import HARNESS_DIR, STAMPED
from grader.release import kit_files
from grader.reports.feedback import feedback_markdown
from grader.results import SubmissionResult, TestResult
from grader.suite_strings import english_in_fstrings, suite_strings

ASSIGNMENT = load_assignment("loss_optimization")
GRADER = Path(i18n.__file__).parent
SUITE_LOCALE = ASSIGNMENT.hidden_tests_dir / "locale"
#: The student CI's score summary (ci_templates/student/.ci/), which has a catalogue of its own.
SUMMARY_SCRIPT = Path(__file__).resolve().parent.parent / "ci_templates" / "student" / ".ci" / "score_summary.py"
#: Every assignment's hidden suite and every kit's public tests have a catalogue.
SUITES = [load_assignment(name) for name in assignment_names()]
CATALOGUES = [(GRADER / "locale", i18n.GRADER_DOMAIN),
              *[(a.hidden_tests_dir / "locale", i18n.SUITE_DOMAIN) for a in SUITES],
              *[(a.kit_dir / "tests" / "locale", "kit") for a in SUITES],
              (SUMMARY_SCRIPT.parent / "locale", "summary")]
KEYWORDS = {"_": None, "n_": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"\{\w*\}")


def po(folder: Path, domain: str, lang: str = "ko"):
    with open(folder / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        return read_po(f)


def grader_msgids() -> set[str]:
    """Every string the grader marks for translation (babel's extractor over its modules). The kit harness
    (grader/kit_harness/) is not the grader's: its strings are in each kit's catalogue."""
    ids = set()
    for path in GRADER.rglob("*.py"):
        if HARNESS_DIR in path.parents:
            continue
        for _, message, _, _ in extract_from_file("python", str(path), keywords=KEYWORDS):
            first = message if isinstance(message, str) else next(iter(message), None)
            if first:
                ids.add(first)
    return ids


def translations(catalog) -> dict:
    return {m.id: m.string for m in catalog if m.id}


def test_the_grader_catalogue_has_every_marked_string_and_no_stale_one():
    catalog = translations(po(GRADER / "locale", i18n.GRADER_DOMAIN))
    singular = {k if isinstance(k, str) else k[0]: v for k, v in catalog.items()}
    assert grader_msgids() == set(singular)


@pytest.mark.parametrize("assignment", SUITES, ids=lambda a: a.name)
def test_the_suite_catalogue_translates_every_name_hint_and_mistake(assignment):
    catalog = translations(po(assignment.hidden_tests_dir / "locale", i18n.SUITE_DOMAIN))
    wanted = suite_strings(assignment.hidden_tests_dir)
    tests = [line for path in assignment.hidden_tests_dir.glob("test_*.py")
             for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"\s*def test_", line)]
    assert len(wanted) > len(tests) > 0  # every test's name, and hints, mistakes and property sentences
    assert [s for s in wanted if s not in catalog] == []


def test_the_suite_strings_include_the_causes_of_constant_likely_mistake_lines(tmp_path):
    (tmp_path / "test_x.py").write_text(
        'def test_a():\n    """A: the name"""\n'
        '    fail("the property.", "ctx", "likely mistake: cause one; or cause two")\n'
        '    fail("other.", "ctx", "likely mistake: from a branch" if ok else "")\n'
        '    fail("more.", "ctx", ("likely mistake: " + "; or ".join(why)) if why else "")\n'
        '    fail(sentence("{f} must return " "a tuple.", f=fn), sentence("got {kind}", kind=k))\n', encoding="utf-8")
    assert sorted(suite_strings(tmp_path)) == sorted(["A: the name", "the property.", "cause one", "cause two",
                                                      "other.", "from a branch", "more.", "{f} must return a tuple.",
                                                      "got {kind}"])



@pytest.mark.parametrize("assignment", SUITES, ids=lambda a: a.name)
def test_no_suite_builds_an_english_sentence_with_an_f_string(assignment):
    """An f-string's sentence cannot be translated: the suites build theirs with sentence(template, ...)."""
    assert english_in_fstrings(assignment.hidden_tests_dir) == []


def test_the_f_string_check_finds_a_sentence_and_lets_labels_and_values_pass(tmp_path):
    (tmp_path / "x.py").write_text('a = f"{fn} modified its input {names}"\nb = f"got: {x!r}"\n'
                                   'c = f"likely mistake: {m}"\nd = f"{k!r}: {v}"\n', encoding="utf-8")
    assert english_in_fstrings(tmp_path) == ["x.py:1: {…} modified its input {…}"]

def _filled(template: str, samples: dict) -> dict:
    """A value for each field of template: samples[name] when given, else a token no catalogue knows."""
    return {name: samples.get(name, f"v{k}") for k, name in enumerate(dict.fromkeys(i18n.FIELD.findall(template)))}


@pytest.mark.parametrize("assignment", SUITES, ids=lambda a: a.name)
def test_every_template_of_a_suite_reads_back_as_its_own_korean_sentence(assignment):
    """Each sentence a suite builds at run time (grader.diagnosis.sentence), filled in, comes out of the
    Korean renderer as its own translation with the same values: one line, fields separated by fixed
    text, no format spec, and no other template (more generic, or the grader's) reads it first."""
    m = i18n.messages("ko", assignment.hidden_tests_dir / "locale")
    catalog = translations(po(assignment.hidden_tests_dir / "locale", i18n.SUITE_DOMAIN))
    templates = [t for t in suite_strings(assignment.hidden_tests_dir) if i18n.FIELD.search(t)]
    assert len(templates) > 15
    for template in templates:
        assert "\n" not in template and not re.search(r"\{\w*[:!]", template), template
        assert not re.search(r"\}\{", template) and i18n.FIELD.sub("", template).strip(), template
        values = _filled(template, {})
        assert m.line(diagnosis.sentence(template, **values)) == catalog[template].format(**values)


#: Values of the grader's templates' fields shaped as the worker writes them (TEMPLATES gives patterns).
GRADER_SAMPLES = {"function": "my_loss", "file": "my_file.py", "line": "3", "kind": "ValueError", "where": "",
                  "number": "2", "folder": "course/", "places": "at the top"}


def test_every_template_of_the_grader_reads_back_as_its_own_korean_sentence():
    m = i18n.messages("ko")
    catalog = translations(po(GRADER / "locale", i18n.GRADER_DOMAIN))
    for template, _ in i18n.TEMPLATES:
        values = _filled(template, GRADER_SAMPLES)
        korean = {name: m.line(value) for name, value in values.items()}  # "at the top" is translated too
        assert m.line(diagnosis.sentence(template, **values)) == catalog[template].format(**korean), template
    worker = "my_loss is not available: my_file.py: SyntaxError line 7: '(' was never closed"
    assert m.line(worker) == "my_loss을(를) 호출할 수 없습니다: my_file.py: 7번째 줄의 SyntaxError: '(' was never closed"
    assert i18n.messages("en").line(worker) == worker


@pytest.mark.parametrize("folder, domain", CATALOGUES)
def test_every_translation_is_korean_keeps_its_placeholders_and_is_not_fuzzy(folder, domain):
    for message in po(folder, domain):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert not message.fuzzy and all(strings), message.id
        for text in strings:
            assert re.search(r"[\uac00-\ud7a3]", text), f"not Korean: {text!r}"
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(ids[0])), message.id


@pytest.mark.parametrize("folder, domain", CATALOGUES)
def test_the_committed_mo_is_the_compiled_po(folder, domain):
    fresh = io.BytesIO()
    write_mo(fresh, po(folder, domain))
    fresh.seek(0)
    with open(folder / "ko" / "LC_MESSAGES" / f"{domain}.mo", "rb") as f:
        committed = gettext.GNUTranslations(f)
    def messages(t):
        return {k: v for k, v in t._catalog.items() if k != ""}  # the header holds dates

    assert messages(committed) == messages(gettext.GNUTranslations(fresh)), "run `make catalogues`"


def half_reg_result() -> SubmissionResult:
    """A result as the plugin records it for a 0.5·reg slip: the suite's real names, hints and messages."""
    import sys

    sys.path.insert(0, str(ASSIGNMENT.hidden_tests_dir))
    try:
        import numpy as np
        from prop_checks import REG_HALF, assert_loss_close, describe
    finally:
        sys.path.remove(str(ASSIGNMENT.hidden_tests_dir))
    W, X, y = np.array([[2.0, 0.5]]), np.array([[-0.25]]), np.array([0])
    with pytest.raises(AssertionError) as raised:
        assert_loss_close("The SVM loss must equal mean_i Σ_{j≠y[i]} max(0, s_j - s_{y[i]} + 1) + reg·ΣW².",
                          3.0, 4.0, 1e-12, describe(W, X, y, 0.5), {REG_HALF: 3.0})
    cause_id, cause, message = diagnosis.root_cause(str(raised.value))
    names = ["SVM: the loss equals the reference on random problems (N, D, C, reg, label patterns)",
             "SVM: L(W, reg) - L(W, 0) = reg·ΣW² and dW(reg) - dW(0) = 2·reg·W"]
    hint = "Compare your loss with the formula in the docstring: mean over N of the hinge sums, plus reg·ΣW²."
    tests = [TestResult(name=n, nodeid=f"t{k}", function="svm_loss_naive", score=0.0, max_score=3.0,
                        status="failed", output=message, hint=hint, root_cause=cause, cause_id=cause_id,
                        reproduction=diagnosis.reproduction("svm_loss_naive")) for k, n in enumerate(names)]
    missing = "optim.py does not define sgd_step"
    tests.append(TestResult(name="SGD: one small step decreases the (convex) softmax loss", nodeid="s",
                            function="sgd_step", score=0.0, max_score=2.0, status="failed", output=missing,
                            root_cause=missing, cause_id="unavailable:x"))
    return SubmissionResult(student="kim", assignment=ASSIGNMENT.name, score=50.0, max_score=100.0, tests=tests,
                            sandbox="level 2: process group, timeouts", seed=231,
                            error="optim.py: missing from the submission")


def prose(markdown: str) -> str:
    """The page without code blocks, inline code, identifiers, formulas and numbers: what must be Korean."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    # calls such as scores.max(axis=1, keepdims=True) are code: a Korean placeholder keeps the words on
    # either side from joining into one "English" run
    text = re.sub(r"\b[\w.]+\([^)]*\)", " 코드 ", text)
    return re.sub(r"\b\w*[_\d]\w*\b|[^\s\w가-힣]", " ", text)


def english_left(page: str, code_words=()) -> list[str]:
    """The English sentences left in a Korean feedback page: runs of three English words, or of two of
    three letters or more, outside what stays English by nature: code (snippets, inline code, calls,
    identifiers, file names, the names in code_words), numbers, the student's own printed output, and
    Python's own text (traceback frames, the message after an exception's name). Messages in text
    fences are read: they are sentences."""
    text = re.sub(r"^## (?:코드가 출력한 내용|Output your code printed)$.*?^---$", " ", page,
                  flags=re.MULTILINE | re.DOTALL)  # what the student's code printed
    text = re.sub(r"^(`{3,})python$.*?^\1$", " ", text, flags=re.MULTILINE | re.DOTALL)  # snippets
    text = re.sub(r"^`{3,}\w*$", " ", text, flags=re.MULTILINE)  # a message's fence: its text is read
    text = re.sub(r'^\s*File ".*\n.*$', " ", text, flags=re.MULTILINE)  # a traceback frame and its line
    text = re.sub(r"\b\w*(?:Error|Exception|Warning)\b[^:\n]*:.*$", " ", text, flags=re.MULTILINE)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\b[\w.]+\([^()\n]*\)", " 코드 ", text)  # calls such as scores.max(axis=1, keepdims=True)
    text = re.sub(r"[\w./-]+\.py\b", " 코드 ", text)
    if code_words:
        text = re.sub(r"\b(?:{})\b".format("|".join(map(re.escape, code_words))), " 코드 ", text)
    text = re.sub(r"\b\w*[_\d]\w*\b", " 코드 ", text)
    return re.findall(r"(?<!\w)(?:[A-Za-z]+[ \t]+){2,}[A-Za-z]+(?!\w)|(?<!\w)[A-Za-z]{3,}[ \t]+[A-Za-z]{3,}(?!\w)",
                      text)


def test_a_korean_page_has_no_english_sentence_left_and_the_english_page_is_unchanged():
    result = half_reg_result()
    ko = feedback_markdown(result, i18n.messages("ko", SUITE_LOCALE))
    assert english_left(ko, ["svm_loss_naive", "sgd_step"]) == []
    assert "정규화 항이 0.5·reg·ΣW²" in ko and "예상되는 실수" in ko and "loss, dW = svm_loss_naive(W, X, y, reg)" in ko
    assert "샌드박스 수준: 2단계." in ko
    en = feedback_markdown(result, i18n.messages("en", SUITE_LOCALE))
    assert en == feedback_markdown(result) and "Likely mistake: the regularization term is 0.5" in en
    assert not re.search(r"[\uac00-\ud7a3]", en)
    assert english_left(en, ["svm_loss_naive", "sgd_step"])  # the check would see English


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.messages("fr")


@pytest.mark.parametrize("lang, ok", [("ko", True), ("en", True), ("fr", False)])
def test_the_manifest_default_language_is_read_and_checked(tmp_path, lang, ok):
    shutil.copytree(ASSIGNMENT.kit_dir, tmp_path / "assignments" / ASSIGNMENT.name)
    manifest = tmp_path / "assignments" / ASSIGNMENT.name / "assignment.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + f'\n[feedback]\nlang = "{lang}"\n', encoding="utf-8")
    if ok:
        assert load_assignment(ASSIGNMENT.name, tmp_path).lang == lang
    else:
        with pytest.raises(ManifestError, match="lang must be one of en, ko"):
            load_assignment(ASSIGNMENT.name, tmp_path)


def test_grade_offers_lang_and_refuses_others():
    runner = CliRunner()
    assert "--lang [en|ko]" in runner.invoke(main, ["grade", "--help"]).output
    refused = runner.invoke(main, ["grade", "x", "-o", "y", "--lang", "fr"])
    assert refused.exit_code == 2 and "'fr' is not one of 'en', 'ko'" in refused.output


@pytest.mark.parametrize("kit", SUITES, ids=lambda a: a.name)
def test_each_kit_has_a_korean_readme_with_the_same_sections_and_commands(kit):
    english = (kit.kit_dir / "README.md").read_text(encoding="utf-8")
    korean = (kit.kit_dir / "README.ko.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^## ", korean, re.MULTILINE)) == len(re.findall(r"^## ", english, re.MULTILINE))
    for term in ("손실 함수", "그라디언트", "정규화", "가중치", "학습률"):
        assert term in korean
    def code(text):  # the code blocks without their comments: the same commands and code in both
        return [re.sub(r"\s*#.*", "", block) for block in re.findall(r"```.*?```", text, re.DOTALL)]

    assert code(korean) == code(english)
    assert "README.ko.md" in english and "README.md" in korean
    assert Path("README.ko.md") in kit_files(kit.kit_dir)  # `grader release` hands it out


def test_the_score_summary_catalogue_has_every_marked_string_and_no_stale_one():
    marked = {message for _, message, _, _ in extract_from_file("python", str(SUMMARY_SCRIPT), keywords={"_": None})}
    assert len(marked) >= 9
    assert marked == set(translations(po(SUMMARY_SCRIPT.parent / "locale", "summary")))


def marked_strings(folder: Path) -> set[str]:
    """The strings marked _("...") in the .py files of folder (babel's extractor)."""
    return {message for path in folder.glob("*.py")
            for _, message, _, _ in extract_from_file("python", str(path), keywords={"_": None})}


@pytest.mark.parametrize("assignment", SUITES, ids=lambda a: a.name)
def test_the_kit_catalogue_has_every_marked_string_of_the_public_tests_and_no_stale_one(assignment):
    tests = assignment.kit_dir / "tests"
    marked = marked_strings(tests)
    assert len(marked) > 60
    assert marked == set(translations(po(tests / "locale", "kit")))


def test_the_stamped_harness_reads_the_same_korean_in_every_kit():
    """The harness's own sentences (could not import..., not implemented yet, the failure layout) are in
    every kit's catalogue, translated alike, so a message means the same whichever kit prints it."""
    harness = marked_strings(HARNESS_DIR)
    assert len(harness) >= 10 and set(STAMPED) >= {p.name for p in HARNESS_DIR.glob("kit_*.py")}
    wording = {a.name: {k: v for k, v in translations(po(a.kit_dir / "tests" / "locale", "kit")).items()
                        if k in harness} for a in SUITES}
    first = next(iter(wording.values()))
    assert set(first) == harness
    assert all(words == first for words in wording.values()), wording


#: Per kit, real mistakes (file, old text, new text) its public tests catch, and the words of the failures
#: that must show in Korean and in English: 0.5·reg in the SVM and sgd_step adding the gradient;
#: Adam without bias correction.
KIT_MISTAKES = {
    "loss_optimization": ([("linear_svm.py", "loss += reg * np.sum", "loss += 0.5 * reg * np.sum"),
                           ("optim.py", "- learning_rate * dW", "+ learning_rate * dW")],
                          ("정규화 항은 정확히", "갱신은 정확히"), "the regularization term must be exactly"),
    "optimization": ([("optim.py", "m_hat = m / (1 - beta1**t)\n    v_hat = v / (1 - beta2**t)",
                       "m_hat = m\n    v_hat = v")],
                     ("CS231n 노트북 검사는", "편향 보정"), "the CS231n notebook check needs relative errors"),
}


def _kit_run(tmp_path, assignment, lang: str) -> str:
    """The public tests' output on the reference with KIT_MISTAKES, in lang; the kit chosen by GRADER_LANG
    as a student would run it."""
    import os
    import subprocess
    import sys

    solution = tmp_path / f"solution-{lang}"
    shutil.copytree(assignment.reference_dir, solution)
    for file in assignment.provided_files:
        shutil.copy(assignment.kit_dir / file, solution / file)
    for file, old, new in KIT_MISTAKES[assignment.name][0]:
        text = (solution / file).read_text(encoding="utf-8")
        assert old in text, (file, old)
        (solution / file).write_text(text.replace(old, new), encoding="utf-8")
    env = {**os.environ, "GRADER_LANG": lang}
    run = subprocess.run([sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider",
                          "--solution-dir", str(solution), "-p", "no:xdist"],
                         check=False, cwd=assignment.kit_dir, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 1, run.stdout[-2000:]
    return run.stdout


@pytest.mark.parametrize("assignment", SUITES, ids=lambda a: a.name)
def test_the_kit_speaks_korean_with_grader_lang_and_leaves_no_english_sentence(tmp_path, assignment):
    _patches, korean_words, english_words = KIT_MISTAKES[assignment.name]
    ko = _kit_run(tmp_path, assignment, "ko")
    failures = [block for block in re.split(r"^_{3,} .* _{3,}$", ko, flags=re.MULTILINE)[1:]]
    assert len(failures) >= 2
    body = "\n".join(block.split("=" * 10)[0] for block in failures)
    body = re.sub(r"^-{3,} Captured \w+ \w+ -{3,}$", " ", body, flags=re.MULTILINE)  # pytest's own section titles
    assert all(words in body for words in korean_words), body
    leftovers = re.findall(r"\b[A-Za-z]{3,}(?:\s+[A-Za-z]{3,})+\b", prose(body))
    assert leftovers == [], leftovers
    en = _kit_run(tmp_path, assignment, "en")
    assert english_words in en and not re.search(r"[\uac00-\ud7a3]", en)


def test_gradescope_results_are_in_the_manifest_language_with_no_english_sentence_left():
    from grader.gradescope.results_json import VisibilityPolicy, gradescope_results

    result = half_reg_result()
    ko = gradescope_results(result, ASSIGNMENT, VisibilityPolicy(), None, i18n.messages("ko", SUITE_LOCALE))
    read = [ko["output"]] + [t["name"] for t in ko["tests"]] + [t.get("output", "") for t in ko["tests"]]
    assert english_left("\n".join(read), ["svm_loss_naive", "sgd_step"]) == []
    assert "점수:" in ko["output"] and any("정규화 항이 0.5·reg·ΣW²" in t.get("output", "") for t in ko["tests"])
    en = gradescope_results(result, ASSIGNMENT, VisibilityPolicy(), None)
    assert "**Score:" in en["output"] and not re.search(r"[\uac00-\ud7a3]", str(en))


#: Per assignment, one submission: the reference with real mistakes (file, old text, new text), and the
#: functions they must break. loss_optimization: 0.5·reg in the naive SVM, the softmax data loss summed
#: not averaged, sgd_step stepping up the gradient; optimization: Adam without bias correction.
REAL_MISTAKES = {
    "loss_optimization": ([("linear_svm.py", "loss += reg * np.sum(W * W)", "loss += 0.5 * reg * np.sum(W * W)"),
                           ("softmax.py", "-log_probs[rows, y].sum() / num_train", "-log_probs[rows, y].sum()"),
                           ("optim.py", "W - learning_rate * dW", "W + learning_rate * dW")],
                          {"svm_loss_naive", "softmax_loss", "sgd_step"}),
    "optimization": ([("optim.py", "m_hat = m / (1 - beta1**t)\n    v_hat = v / (1 - beta2**t)",
                       "m_hat = m\n    v_hat = v")], {"adam"}),
}


@pytest.mark.parametrize("assignment", SUITES, ids=lambda a: a.name)
def test_a_really_graded_submission_with_mistakes_reads_korean_only(tmp_path, assignment):
    """The whole hidden suite on the reference with real mistakes (REAL_MISTAKES): the Korean page names
    each as a likely mistake with no English sentence outside code (the graded functions' names are code)."""
    from corpus import run_suite

    patches, broken_functions = REAL_MISTAKES[assignment.name]
    sub = tmp_path / "sub"
    shutil.copytree(assignment.reference_dir, sub)
    for file, old, new in patches:
        text = (sub / file).read_text(encoding="utf-8")
        assert old in text, (file, old)
        (sub / file).write_text(text.replace(old, new), encoding="utf-8")
    outcome = run_suite(sub, tmp_path / "r.json", assignment)
    assert outcome.results is not None, outcome.failures()
    tests = [TestResult(**t) for t in outcome.results["tests"]]
    result = SubmissionResult(student="kim", assignment=assignment.name, score=sum(t.score for t in tests),
                              max_score=sum(t.max_score for t in tests), tests=tests)
    assert {t.function for t in result.tests if not t.passed} == broken_functions
    ko = feedback_markdown(result, i18n.messages("ko", assignment.hidden_tests_dir / "locale"))
    assert ko.count("\n### ") >= len(patches) and ko.count("예상되는 실수") >= len(patches)
    def english(page):
        return english_left(page, [f.name for f in assignment.functions])

    assert english(ko) == [], english(ko)
    assert english(feedback_markdown(result))  # the check sees the English page's sentences


def _kit_module(assignment, name: str):
    """A module of the kit's tests/ folder, loaded from its file (the kit modules it imports found beside it
    and forgotten afterwards)."""
    import importlib.util
    import sys

    tests = str(assignment.kit_dir / "tests")
    before = set(sys.modules)
    sys.path.insert(0, tests)
    try:
        spec = importlib.util.spec_from_file_location(f"_{name}_under_test", Path(tests) / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(tests)
        for imported in set(sys.modules) - before:  # another kit's modules of the same names come next
            del sys.modules[imported]
    return module


@pytest.mark.parametrize("text, lang", [('[feedback]\nlang = "ko"\n', "ko"), ('lang = "ko"\n[feedback]\n', "en"),
                                        ('[feedback]\nmax_points_per_cause = 6\n[x]\nlang = "ko"\n', "en"), ("", "en")])
def test_the_kit_reads_its_default_language_from_the_released_manifest(tmp_path, text, lang):
    manifest = tmp_path / "assignment.toml"
    manifest.write_text(text, encoding="utf-8")
    kit_manifest = _kit_module(ASSIGNMENT, "kit_manifest")
    assert kit_manifest.language(kit_manifest.read(manifest)) == lang


@pytest.mark.parametrize("assignment", SUITES, ids=lambda a: a.name)
def test_the_kit_refuses_an_unknown_grader_lang_and_reads_the_korean_catalogue(monkeypatch, assignment):
    kit = _kit_module(assignment, "kit_i18n")
    monkeypatch.setenv("GRADER_LANG", "fr")
    with pytest.raises(SystemExit, match="GRADER_LANG='fr': choose one of en, ko"):
        kit.language()
    monkeypatch.setenv("GRADER_LANG", "ko")
    assert kit.language() == "ko"
    not_yet = "{function} is not implemented yet (edit {file})"
    assert kit.translation("ko").gettext(not_yet) == "{function}이(가) 아직 구현되지 않았습니다 ({file}을(를) 작성하세요)"
    assert kit.translation("en").gettext(not_yet) == not_yet


#: The demo classes graded for real: the students who lose points (the others' pages say nothing more).
DEMO_CLASSES = {"loss_optimization": ("examples/submissions", ["bob", "carol", "dave", "erin", "mallory"]),
                "optimization": ("examples/optimization/submissions", ["ben"])}


def test_the_english_check_sees_a_leak_and_lets_code_and_python_text_pass():
    assert english_left("```text\n  input: W and dW of shape (1,)\n```\n")
    assert english_left("- softmax_loss (-35점): softmax_loss is not available: softmax.py: 제출물에 없습니다\n")
    assert english_left("at index (0,): W = 1.0\n") == [] and english_left("after your step: 1.0\n")
    assert english_left("```python\nloss, dW = svm_loss_naive(W, X, y, reg)\nFalsifying example: f(\n```\n"
                        "`W -= ...`는 scores.max(axis=1, keepdims=True)\nSyntaxError 7번째 줄: '(' was never closed\n"
                        'Traceback\n  File "linear_svm.py", line 26, in svm_loss_vectorized\n    raise Not Implemented Now\n'
                        "## 코드가 출력한 내용\n\n```text\nRuntimeWarning: overflow encountered in exp\n```\n\n---\n") == []


@pytest.fixture(scope="module")
def demo_pages(tmp_path_factory) -> dict:
    """{assignment: {student: (Korean page, English page)}}: each demo class graded with --lang ko (the
    students who lose points), the English page written from the same results."""
    import subprocess
    import sys

    from grader.assignment import DEFAULT_ROOT

    pages = {}
    for name, (folder, students) in DEMO_CLASSES.items():
        out = tmp_path_factory.mktemp(name) / "reports"
        only = [arg for student in students for arg in ("--only", student)]
        proc = subprocess.run([str(Path(sys.executable).parent / "grader"), "grade", "--assignment", name,
                               str(DEFAULT_ROOT / folder), "-o", str(out), "--lang", "ko", "--jobs", "2",
                               "--quiet", *only], check=False, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr
        pages[name] = {}
        for student in students:
            data = (out / "results" / f"{student}.json").read_text(encoding="utf-8")
            result = SubmissionResult.from_json(json.loads(data))
            pages[name][student] = ((out / "feedback" / f"{student}.md").read_text(encoding="utf-8"),
                                    feedback_markdown(result))
    return pages


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(DEMO_CLASSES))
def test_the_demo_class_graded_in_korean_has_no_english_sentence_left(demo_pages, assignment):
    """Every page of the demo class graded with --lang ko: no English sentence outside code, Python's
    own text and the student's output (the graded functions' and their arguments' names are code)."""
    spec = load_assignment(assignment)
    code_words = [f.name for f in spec.functions] + ["dW", "dw", "loss", "reg", "next_w", "config", "learning_rate"]
    leftovers = {student: english_left(ko, code_words) for student, (ko, _) in demo_pages[assignment].items()}
    assert {s: left for s, left in leftovers.items() if left} == {}
    assert all(english_left(en, code_words) for _, en in demo_pages[assignment].values())


def test_what_the_worker_and_the_submission_finder_write_reads_korean():
    """The real texts of the worker (import failures, missing functions, how it ended) and of finding a
    submission's files, as a student reads them in a Korean page: no English sentence left."""
    import signal

    from grader.pytest_plugin import GRADER_FAULT_MESSAGE
    from grader.sandbox import worker
    from grader.sandbox.client import describe_exit
    from grader.submissions.layout import nothing_found
    from grader.submissions.tree import over_file_cap

    try:
        compile("x = (", "my_file.py", "exec")
    except SyntaxError as exc:
        syntax = worker.describe_load_error(exc, "/copy")
    texts = [worker.missing_message("my_loss", "my_file.py", {"my_file.py": syntax}, None),
             worker.missing_message("my_loss", "my_file.py", {"my_file.py": "missing from the submission"}, None),
             worker.missing_message("my_loss", "my_file.py", {}, object()),
             "my_file.py: " + worker.describe_load_error(SystemExit(0), "/copy"),
             "my_file.py: " + worker.describe_load_error(ImportError("No module named 'torch'"), "/copy"),
             *[f"the worker {describe_exit(code, 2.0)} during my_loss"
               for code in (None, -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGXCPU, 3)],
             str(nothing_found("kim.zip", ASSIGNMENT)),
             over_file_cap("my_file.py", 10 * ASSIGNMENT.limits.file_bytes, ASSIGNMENT.limits),
             GRADER_FAULT_MESSAGE]
    m = i18n.messages("ko", SUITE_LOCALE)
    for text in texts:
        korean = m.message(text)
        assert re.search(r"[\uac00-\ud7a3]", korean) and english_left(korean, ["my_loss"]) == [], (text, korean)
        assert i18n.ENGLISH.message(text) == text


def test_a_traceback_s_frames_are_code_and_stay_as_they_are():
    m = i18n.messages("ko", SUITE_LOCALE)
    frames = '  File "my_file.py", line 3, in my_loss\n    names, W = 0\n  File "my_file.py", line 9, in f\n    a and b'
    korean = m.message(f"my_loss raised ValueError: bad\n{i18n.TRACEBACK}\n{frames}\nreg = 0.5 instead of 2.5")
    assert korean == f"my_loss에서 ValueError 예외가 발생했습니다: bad\nTraceback (가장 최근 호출이 마지막):\n{frames}\n" \
                     "reg = 2.5 대신 reg = 0.5"
