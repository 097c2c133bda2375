"""The course notebooks as committed: every seed fact demonstrated in both languages, the same code.

Reads notebooks/ko/*.ipynb and notebooks/en/*.ipynb (no kernel): each of the ids of
../shared/COVERAGE.md (listed below, so the test does not depend on a file outside the
repository) needs a code cell tagged `seed:<id>` in each language, and the two languages'
code cells must be identical, cell for cell (source and tags). The notebooks must also match
what `python -m mailkit.course build` makes from notebooks/src/ (outputs aside), start with
`%load_ext mailkit`, end with `%unload_ext mailkit`, and have their outputs stored.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SEED_IDS = """
C01 P01 P02 P03 A01 A02 A03 A04 I01 F01 F02 F03 F04 F05 F06 F07 F08
O01 O02 O03 O04 O05 O06 O07 O08 O09 O10 O11 O12 O13 O14 O15 K01 K02 S01 S02 T01
""".split()
CHAPTERS = ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"]


def notebooks(lang: str) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((NOTEBOOKS / lang).glob("*.ipynb"))}


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_the_checklist_has_37_ids():
    assert len(SEED_IDS) == len(set(SEED_IDS)) == 37
    coverage = ROOT.parent / "shared" / "COVERAGE.md"
    if coverage.exists():  # in the shared checkout: the list here is the checklist's
        ids = re.findall(r"^\| ([A-Z]\d\d) \|", coverage.read_text(encoding="utf-8"), re.M)
        assert sorted(ids) == sorted(SEED_IDS)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_chapter_exists(lang):
    names = sorted(notebooks(lang))
    assert [n[:2] for n in names] == CHAPTERS, names


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_seed_id_has_a_tagged_code_cell(lang):
    found = {t[5:] for nb in notebooks(lang).values() for c in code_cells(nb) for t in tags(c) if t.startswith("seed:")}
    missing = [i for i in SEED_IDS if i not in found]
    assert not missing, f"{lang}: no code cell tagged seed:<id> for {missing}"
    unknown = sorted(found - set(SEED_IDS))
    assert not unknown, f"{lang}: tags for ids not in the checklist: {unknown}"


COMMENT = re.compile(r"(^|\s)# .*$", re.M)  # a code comment: "# " at a line's start or after a space


def without_comments(code: str) -> str:
    return COMMENT.sub(r"\1#", code)


def test_korean_and_english_code_cells_are_identical_but_for_their_comments():
    ko, en = notebooks("ko"), notebooks("en")
    assert sorted(ko) == sorted(en)
    for name in ko:
        a, b = code_cells(ko[name]), code_cells(en[name])
        assert len(a) == len(b), f"{name}: {len(a)} code cells in ko, {len(b)} in en"
        for i, (x, y) in enumerate(zip(a, b)):
            assert without_comments(source(x)) == without_comments(source(y)), \
                f"{name}: code cell {i} differs between ko and en"
            assert tags(x) == tags(y), f"{name}: tags of code cell {i} differ between ko and en"


HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_code_comments_speak_the_notebooks_language(lang):
    """Korean notebooks comment their code in Korean; no Korean is left in the English ones."""
    comments = [(name, m.group(0).strip()) for name, nb in notebooks(lang).items()
                for c in code_cells(nb) if "quiz" not in tags(c) for m in COMMENT.finditer(source(c))]
    assert comments, "the course's code has comments"
    for name, text in comments:
        assert "#[ko]" not in text and "#[en]" not in text, f"{lang}/{name}: markup left: {text}"
        if lang == "ko":
            assert HANGUL.search(text), f"ko/{name}: an English comment in a Korean notebook: {text}"
        else:
            assert not HANGUL.search(text), f"en/{name}: Korean in an English notebook: {text}"


def test_bilingual_comments_keep_the_code_and_pick_one_language():
    from mailkit.course import localize_comments

    src = 'x = 1  #[ko] 하나 #[en] one\nprint("#[ko] not a comment")'
    assert localize_comments(src, "ko") == 'x = 1  # 하나\nprint("#[ko] not a comment")'
    assert localize_comments(src, "en") == 'x = 1  # one\nprint("#[ko] not a comment")'


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_each_notebook_starts_the_host_and_stops_it(lang):
    for name, nb in notebooks(lang).items():
        cells = code_cells(nb)
        assert source(cells[0]).startswith("%load_ext mailkit"), name
        assert source(cells[-1]).strip() == "%unload_ext mailkit", name
        assert nb["metadata"]["kernelspec"]["name"] == "python3", name


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_outputs_are_stored_and_errors_only_where_tagged(lang):
    for name, nb in notebooks(lang).items():
        cells = code_cells(nb)
        assert cells[0].get("outputs"), f"{name}: not executed (run python -m mailkit.course refresh)"
        for i, c in enumerate(cells):
            errors = [o for o in c.get("outputs", []) if o.get("output_type") == "error"
                      or (o.get("name") == "stderr" and "UsageError" in "".join(o.get("text", "")))]
            if errors:
                assert "raises-exception" in tags(c), f"{name}: code cell {i} shows an error but is not tagged raises-exception"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_quiz_files_exist_in_the_notebooks_language(lang):
    for name, nb in notebooks(lang).items():
        quizzes = [c for c in code_cells(nb) if "quiz" in tags(c)]
        assert quizzes, f"{name}: no quiz"
        for c in quizzes:
            rel = re.search(r'Quiz\.from_file\("([^"]+)"\)', source(c)).group(1)
            data = json.loads((NOTEBOOKS / lang / rel).read_text(encoding="utf-8"))
            assert data["lang"] == lang and data["questions"], rel


def test_notebooks_match_their_sources():
    """A notebook edited by hand and not in notebooks/src/ would be lost at the next refresh."""
    from mailkit import course

    for ch in course.load_chapters():
        for lang in course.LANGS:
            built, _ = course.to_notebook(ch, lang)
            committed = json.loads((NOTEBOOKS / lang / f"{ch.name}.ipynb").read_text(encoding="utf-8"))
            assert [(c.cell_type, c.source) for c in built.cells] == \
                   [(c["cell_type"], source(c)) for c in committed["cells"]], f"{lang}/{ch.name}: rebuild from src"


# --- the helpers the notebooks' cells use, on a running host ---

def test_edit_changes_one_occurrence_and_shows_the_line(host, capsys):
    from mailkit.course import edit

    edit("/etc/mail/sendmail.cf", "#O MaxMessageSize=0", "O MaxMessageSize=2000", host=host)
    assert "\nO MaxMessageSize=2000\n" in host.world.read_text("/etc/mail/sendmail.cf")
    assert capsys.readouterr().out == "/etc/mail/sendmail.cf:\n- #O MaxMessageSize=0\n+ O MaxMessageSize=2000\n"


def test_edit_refuses_text_found_twice_or_not_at_all_and_writes_nothing(host):
    from mailkit.course import edit

    before = host.world.read_text("/etc/mail/sendmail.cf")
    with pytest.raises(ValueError, match="occurs 0 times"):
        edit("/etc/mail/sendmail.cf", "O NoSuchOption=1", "x", host=host)
    with pytest.raises(ValueError, match=r"occurs \d+ times"):
        edit("/etc/mail/sendmail.cf", "O ", "x", host=host)
    assert host.world.read_text("/etc/mail/sendmail.cf") == before


def test_smtp_send_shows_the_whole_dialogue(host, capsys):
    from mailkit.course import smtp_send

    smtp_send("alice@localhost", subject="hi", host=host)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("S: 220 ") and out[1] == "C: EHLO localhost"
    assert "S: 250-ENHANCEDSTATUSCODES" in out and "S: 250 HELP" in out
    i = out.index("C: MAIL FROM:<bob@localhost>")
    assert out[i + 1:i + 5] == ["S: 250 2.1.0 <bob@localhost>... Sender ok", "C: RCPT TO:<alice@localhost>",
                                "S: 250 2.1.5 <alice@localhost>... Recipient ok", "C: DATA"]
    assert out[i + 5] == "S: 354 End data with <CR><LF>.<CR><LF>"
    assert out[i + 6:i + 12] == ["C: From: bob@localhost", "C: To: alice@localhost", "C: Subject: hi", "C: ",
                                 "C: Hello.", "C: ."]
    assert "Message accepted for delivery" in out[i + 12] and out[i + 13] == "C: QUIT"
    assert out[i + 14].startswith("S: 221 2.0.0 ") and len(out) == i + 15
    # another machine (127.0.0.2) may not relay: the refusal is shown and no DATA is sent
    smtp_send("dave@example.com", client="127.0.0.2", host=host)
    out = capsys.readouterr().out.splitlines()
    assert out[-4:-2] == ["C: RCPT TO:<dave@example.com>", "S: 550 5.7.1 <dave@example.com>... Relaying denied"]
    assert "C: DATA" not in out and out[-1].startswith("S: 221 ")


def test_smtp_send_size_pads_the_body(host, capsys):
    from mailkit.course import edit, smtp_send

    edit("/etc/mail/sendmail.cf", "#O MaxMessageSize=0", "O MaxMessageSize=1000", host=host)
    host.runtime.restart()
    smtp_send("alice@localhost", size=3000, host=host)
    out = capsys.readouterr().out
    assert "S: 552 5.2.3" in out and "C: ... (39 more lines of x)" in out


def test_notebook_lang_is_the_folder_name(tmp_path, monkeypatch):
    from mailkit.course import notebook_lang

    monkeypatch.delenv("MAILKIT_LANG", raising=False)
    for name, lang in (("en", "en"), ("ko", "ko"), ("elsewhere", "ko")):
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        assert notebook_lang() == lang


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_markdown_cells_render_without_stray_emphasis_marks(lang):
    """CommonMark (what JupyterLab renders) leaves `**` as text when a closing `**` follows
    punctuation and precedes a letter, e.g. **`path`**를: the learner sees the asterisks."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark")
    stray = []
    for name, nb in notebooks(lang).items():
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "markdown":
                continue
            html = renderer.render(source(cell))
            text = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", html, flags=re.S)
            if "**" in text or re.search(r"(?<![\w*])\*\w", text):
                stray.append(f"{name} cell {i}")
    assert not stray, f"literal emphasis marks in the rendered text: {stray}"


def test_edit_run_twice_changes_the_file_once(host, capsys, monkeypatch):
    """Re-running a cell is safe: ko04's Cw edit run twice must not give `mail.example.com mail.example.com`."""
    from mailkit.course import edit

    monkeypatch.setenv("MAILKIT_LANG", "en")
    edit("/etc/mail/sendmail.cf", "Cwlocalhost", "Cwlocalhost mail.example.com", host=host)
    once = host.world.read_text("/etc/mail/sendmail.cf")
    capsys.readouterr()
    edit("/etc/mail/sendmail.cf", "Cwlocalhost", "Cwlocalhost mail.example.com", host=host)
    assert host.world.read_text("/etc/mail/sendmail.cf") == once
    assert "mail.example.com mail.example.com" not in once
    assert capsys.readouterr().out == "/etc/mail/sendmail.cf: already changed, left as it is\n  Cwlocalhost mail.example.com\n"
    # an edit whose new text replaced the old one entirely is also recognised
    edit("/etc/mail/sendmail.cf", "O DeliveryMode=background", "O DeliveryMode=queueonly", host=host)
    edit("/etc/mail/sendmail.cf", "O DeliveryMode=background", "O DeliveryMode=queueonly", host=host)
    assert host.world.read_text("/etc/mail/sendmail.cf").count("O DeliveryMode=queueonly") == 1


# --- the quizzes: enough questions, in the exam's formats, balanced, every option explained ---

def quiz_items(lang: str) -> list[tuple[str, dict]]:
    """(chapter file name, question) for every question of every quiz file of LANG, in course order."""
    items = []
    for path in sorted((NOTEBOOKS / lang / "quiz").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["lang"] == lang, path
        items += [(path.name, it) for it in data["questions"]]
    return items


def single_choice(items):
    return [it for _, it in items if it["options"] and isinstance(it["answer"], int)]


def test_quiz_files_match_their_sources():
    """The JSON the Quiz cells read is what notebooks/src says (rebuild after editing a quiz)."""
    from mailkit import course

    for ch in course.load_chapters():
        for lang in course.LANGS:
            _, quizzes = course.to_notebook(ch, lang)
            for rel, text in quizzes.items():
                path = NOTEBOOKS / lang / rel
                assert path.exists() and path.read_text(encoding="utf-8") == text, f"{lang}/{rel}: rebuild from src"


def test_the_course_has_at_least_150_questions_the_same_in_both_languages():
    ko, en = quiz_items("ko"), quiz_items("en")
    assert len(ko) >= 150, f"only {len(ko)} questions"
    assert len(ko) == len(en)
    for (fa, a), (fb, b) in zip(ko, en):
        assert fa == fb and a["answer"] == b["answer"] and len(a["options"]) == len(b["options"]), (a["question"], b["question"])
        assert a.get("topic") is None or b.get("topic"), a["question"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_answer_positions_are_balanced(lang):
    """No option position holds more than 35% of the single-choice answers, and the fourth is used."""
    from collections import Counter

    answers = [it["answer"] for it in single_choice(quiz_items(lang))]
    counts = Counter(answers)
    worst, n = counts.most_common(1)[0]
    assert n <= 0.35 * len(answers), f"option {worst + 1} is the answer of {n} of {len(answers)} questions"
    assert counts[3] > 0.15 * len(answers), f"option 4 is the answer only {counts[3]} times"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_right_answer_is_not_given_away_by_its_length(lang):
    """A learner who always picks the longest option must not do better than chance (about 1 in 4)."""
    questions = single_choice(quiz_items(lang))
    longest = 0
    for it in questions:
        lengths = [len(o) for o in it["options"]]
        right = lengths[it["answer"]]
        longest += right == max(lengths) and lengths.count(right) == 1
    assert longest <= 0.3 * len(questions), f"the right answer is the longest option in {longest} of {len(questions)}"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_question_explains_the_answer_and_why_each_option_is_right_or_wrong(lang):
    missing = []
    for name, it in quiz_items(lang):
        if not it.get("explanation", "").strip():
            missing.append(f"{name}: no explanation: {it['question'][:50]}")
        if it["options"]:  # a choice: one non-empty reason per option
            why = it.get("why", [])
            if len(why) != len(it["options"]) or not all(w.strip() for w in why):
                missing.append(f"{name}: why does not explain every option: {it['question'][:50]}")
        else:  # a typed answer: at least one accepted text
            assert it["answer"] and all(a.strip() for a in it["answer"]), it["question"]
    assert not missing, "\n".join(missing)


def test_the_questions_use_the_exams_formats():
    """Which is NOT..., fill the blank, write the command, read this config/output and answer."""
    ko = [it for _, it in quiz_items("ko")]
    not_true = [it for it in ko if "옳지 않은" in it["question"] or "아닌 것" in it["question"]]
    blanks = [it for it in ko if "빈칸" in it["question"]]
    typed = [it for it in ko if not it["options"]]
    reading = [it for it in ko if "\n" in it["question"]]
    assert len(not_true) >= 15 and len(blanks) >= 8 and len(typed) >= 20 and len(reading) >= 15, \
        (len(not_true), len(blanks), len(typed), len(reading))
    for it in ko:  # Korean sentences take no English semicolons (quoted program output may)
        for text in [it["explanation"], *it.get("why", [])]:
            assert ";" not in text, text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_chapter_12_ends_with_a_25_question_mock_exam_with_topics(lang):
    from mailkit.widgets.quiz import QuizSet

    files = sorted((NOTEBOOKS / lang / "quiz").glob("12-*.json"))
    exams = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    mock = [e for e in exams if all(it.get("topic") for it in e["questions"])]
    assert len(mock) == 1, "chapter 12 needs one quiz whose every question has a topic"
    questions = mock[0]["questions"]
    assert len(questions) == 25
    topics = {it["topic"] for it in questions}
    assert len(topics) >= 6, topics
    assert any(not it["options"] for it in questions), "the mock exam has typed-answer questions too"
    exam = QuizSet(questions, lang)
    assert exam.exam and exam.grade() == 0  # nothing answered yet: graded 0, every topic listed for review
    assert len(exam.review_lines()) == 1 + len(topics)
