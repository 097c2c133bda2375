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


# --- typed answers, option-by-option explanations, mock exams with topics ---

def aliases_command(lang="en"):
    return Quiz("Which command rebuilds /etc/aliases.db?" if lang == "en" else "/etc/aliases.db를 다시 만드는 명령은?",
                [], answer=["newaliases", "sendmail -bi"], explanation="newaliases = sendmail -bi.", lang=lang)


def test_typed_answer_uses_a_text_field_and_accepts_every_listed_form():
    q = aliases_command()
    assert isinstance(q.choice, w.Text) and q.free_text
    q.choice.value = "  sendmail   -bi "
    q.check_button.click()
    assert q.correct is True and q.feedback_text == "Correct!\nnewaliases = sendmail -bi."
    q.choice.value = "newaliases"
    q.check_button.click()
    assert q.correct is True


def test_typed_answer_ignores_spacing_around_redirections_and_a_prompt():
    q = Quiz("Rebuild access.db", [], answer="makemap hash /etc/mail/access < /etc/mail/access", lang="en")
    assert q.select("$ makemap hash /etc/mail/access</etc/mail/access").check() is True
    assert q.select("makemap  hash /etc/mail/access <   /etc/mail/access").check() is True
    assert q.select("makemap hash /etc/mail/access > /etc/mail/access").check() is False  # a different command
    assert q.select("makemap hash /etc/mail/access").check() is False


def test_typed_answer_wrong_or_empty_in_korean():
    q = aliases_command("ko")
    q.check_button.click()
    assert q.correct is None and q.feedback_text == "답을 먼저 입력하세요."
    q.choice.value = "sendmail -bp"
    q.check_button.click()
    assert q.correct is False
    assert q.feedback_text == "다시 생각해 보세요.\n철자와 순서를 다시 확인해 보세요."
    assert "newaliases" not in q.feedback_text  # the answer is not given away
    assert q.plain() == "/etc/aliases.db를 다시 만드는 명령은? (직접 입력)\n  [ ________________ ]"


def test_typed_answer_needs_an_accepted_text():
    with pytest.raises(ValueError, match="accepted answer"):
        Quiz("?", [], answer=[])
    with pytest.raises(ValueError, match="accepted answer"):
        Quiz("?", [], answer=" ")


def why_quiz(lang="en"):
    return Quiz("POP3 port?", ["25", "110", "143"], answer=1, explanation="POP3 listens on 110.", lang=lang,
                why=["25 is SMTP.", "110 is POP3.", "143 is IMAP."])


def test_a_wrong_choice_says_why_that_option_is_wrong():
    q = why_quiz()
    q.select("143").check_button.click()
    assert q.correct is False
    assert q.feedback_text == "Not quite. Think again.\n• 143: 143 is IMAP."


def test_the_right_choice_explains_every_other_option():
    q = why_quiz("ko")
    q.select("110").check_button.click()
    assert q.correct is True
    assert q.feedback_text == "정답입니다!\nPOP3 listens on 110.\n보기 풀이\n• 25: 25 is SMTP.\n• 143: 143 is IMAP."


def test_why_needs_one_entry_per_option():
    with pytest.raises(ValueError, match="2 option explanations"):
        Quiz("?", ["a", "b", "c"], answer=0, why=["x", "y"])


def mock_items():
    return [
        {"question": "SMTP port?", "options": ["25", "110"], "answer": 0, "topic": "protocols",
         "explanation": "SMTP 25.", "why": ["SMTP.", "POP3."]},
        {"question": "IMAP port?", "options": ["110", "143"], "answer": 1, "topic": "protocols",
         "why": ["POP3.", "IMAP."]},
        {"question": "Apply /etc/aliases", "options": [], "answer": ["newaliases", "sendmail -bi"], "topic": "aliases"},
        {"question": "Which file does sendmail read?", "options": ["access", "access.db"], "answer": 1,
         "topic": "access", "why": ["the text, read by makemap", "the built map"]},
    ]


def test_a_set_with_topics_is_a_mock_exam_with_a_grade_button():
    exam = Quiz.from_list(mock_items(), lang="en")
    assert exam.exam and exam.grade_button in exam.children and exam.review in exam.children
    assert exam.grade_button.description == "Grade"
    plain = Quiz.from_list([{"question": "?", "options": ["a", "b"], "answer": 0}], lang="en")
    assert not plain.exam and plain.grade_button not in plain.children


def test_grading_scores_out_of_100_and_reviews_each_topic():
    exam = Quiz.from_list(mock_items(), lang="en")
    exam[0].select("25")
    exam[1].select("110")
    exam[2].select("newaliases")  # question 4 left unanswered: counts as wrong
    exam.grade_button.click()
    assert exam.score_text == "Score: 50 / 100 (2 of 4 correct)"
    assert exam.review_text == ("By topic\nprotocols: 1 / 2 · read again: questions 2\naliases: 1 / 1\n"
                                "access: 0 / 1 · read again: questions 4")
    # after grading every question shows its answer and why each option is right or wrong
    assert exam[1].feedback_text == "Not quite. Think again.\nAnswer: 143\nThe options\n• 110: POP3.\n• 143: IMAP."
    assert exam[3].feedback_text.startswith("Not quite. Think again. (not answered)\nAnswer: access.db")
    assert exam[2].feedback_text.startswith("Correct!\nAnswer: newaliases / sendmail -bi")


def test_the_review_appears_once_every_question_was_checked_in_korean():
    exam = Quiz.from_list(mock_items(), lang="ko")
    assert exam.grade_button.description == "채점하기"
    for i, choice in enumerate(["25", "143", "sendmail -bi"]):
        exam[i].select(choice).check_button.click()
    assert exam.review_text == ""  # one question still unchecked
    assert exam.score_text == "맞힌 문제: 3 / 4"
    exam[3].select("access").check_button.click()
    assert exam.review_text == ("주제별 결과\nprotocols: 2 / 2\naliases: 1 / 1\naccess: 0 / 1 · 다시 볼 문제: 4")
    exam.grade_button.click()
    assert exam.score_text == "점수: 75점 (맞힌 문제 3 / 4)"


def test_from_file_keeps_topics_and_why(tmp_path):
    p = tmp_path / "exam.json"
    p.write_text(json.dumps({"lang": "en", "questions": mock_items()}))
    exam = Quiz.from_file(p)
    assert [q.topic for q in exam.quizzes] == ["protocols", "protocols", "aliases", "access"]
    assert exam[0].why == ["SMTP.", "POP3."] and exam[2].free_text


def test_lines_after_the_first_are_shown_as_preformatted_text():
    q = Quiz("Which line is a comment?\ndnl define(`confMAX_MESSAGE_SIZE', `5000')dnl\nFEATURE(`access_db')dnl",
             ["the first", "the second"], answer=0, lang="en")
    assert q.prompt.value.startswith("<b>Which line is a comment?</b><pre")
    assert "dnl define(`confMAX_MESSAGE_SIZE&#x27;, `5000&#x27;)dnl\nFEATURE" in q.prompt.value
    assert q.plain().splitlines()[1] == "dnl define(`confMAX_MESSAGE_SIZE', `5000')dnl"
