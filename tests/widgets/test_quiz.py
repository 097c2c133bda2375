"""The Quiz widget: choices, Check, feedback and score, driven as a learner would (no browser)."""

import json

import ipywidgets as w
import pytest

from mailkit.widgets import Quiz
from mailkit.widgets.quiz import QuizSet


def ports_quiz(lang="en"):
    return Quiz("Which TCP port does POP3 use?", ["25", "110", "143"], answer="110",
                explanation="SMTP 25, POP3 110, IMAP 143.", lang=lang)


def test_single_answer_uses_radio_buttons_and_starts_unanswered():
    q = ports_quiz()
    assert isinstance(q.choice, w.RadioButtons)
    assert q.choice.value is None and q.correct is None and q.feedback.value == ""


def test_right_choice_then_check_says_correct_and_explains():
    q = ports_quiz()
    q.choice.value = "110"
    q.check_button.click()
    assert q.correct is True
    assert q.feedback_text == "Correct!\nSMTP 25, POP3 110, IMAP 143."


def test_wrong_choice_is_marked_wrong_without_giving_the_answer_away():
    q = ports_quiz().select("143")
    q.check_button.click()
    assert q.correct is False
    assert "110" not in q.feedback_text and "Not quite" in q.feedback_text


def test_check_without_a_choice_asks_for_one():
    q = ports_quiz("ko")
    q.check_button.click()
    assert q.correct is None and q.feedback_text == "답을 먼저 고르세요."
    assert q.check_button.description == "확인"


def test_several_answers_use_checkboxes_and_need_exactly_the_right_set():
    q = Quiz("MTAs?", ["sendmail", "procmail", "postfix", "mutt"], answer=["sendmail", "postfix"], lang="en")
    assert len(q.boxes) == 4 and all(isinstance(b, w.Checkbox) for b in q.boxes)
    q.boxes[0].value = True
    q.check_button.click()
    assert q.correct is False  # only half of the answer
    q.boxes[2].value = True
    q.check_button.click()
    assert q.correct is True
    q.boxes[1].value = True
    assert q.check() is False  # one too many


def test_answer_by_index_and_bad_answers_are_refused():
    assert Quiz("?", ["a", "b"], answer=1, lang="en").select("b").check() is True
    with pytest.raises(ValueError, match="not one of the options"):
        Quiz("?", ["a", "b"], answer="c")
    with pytest.raises(ValueError, match="index 5"):
        Quiz("?", ["a", "b"], answer=5)
    with pytest.raises(ValueError, match="lang"):
        Quiz("?", ["a", "b"], answer="a", lang="fr")


def test_from_list_numbers_questions_and_keeps_score():
    qs = Quiz.from_list([
        {"question": "SMTP port?", "options": ["25", "110"], "answer": "25"},
        {"question": "IMAP port?", "options": ["110", "143"], "answer": "143", "explanation": "143."},
    ], lang="en")
    assert isinstance(qs, QuizSet) and len(qs) == 2
    assert qs.score_text == "Correct so far: 0 / 2"
    qs[0].select("25").check_button.click()
    qs[1].select("110").check_button.click()
    assert qs.score_text == "Correct so far: 1 / 2" and "1 / 2" in qs.score.value
    qs[1].select("143").check_button.click()
    assert qs.score_text == "Correct so far: 2 / 2"


def test_plain_text_form_lists_questions_without_answers():
    qs = Quiz.from_list([{"question": "IMAP port?", "options": ["110", "143"], "answer": "143",
                          "explanation": "secret explanation"}], lang="ko")
    bundle = qs._repr_mimebundle_()
    assert bundle["text/plain"] == "문제 1. IMAP port?\n  ( ) 110\n  ( ) 143"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_from_file_reads_the_language_and_questions(tmp_path):
    p = tmp_path / "q.json"
    p.write_text(json.dumps({"lang": "en", "questions": [
        {"question": "Which file does sendmail read?", "options": ["access", "access.db"], "answer": "access.db"}]}))
    qs = Quiz.from_file(p)
    assert qs.lang == "en" and qs[0].check_button.description == "Check"
    with pytest.raises(FileNotFoundError, match="no question file"):
        Quiz.from_file(tmp_path / "missing.json")
