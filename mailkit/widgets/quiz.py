"""The course's self-check: exam-style questions answered with radio buttons, checkboxes or typed text.

    Quiz("SMTP uses which TCP port?", ["25", "110", "143"], answer="25",
         explanation="SMTP: 25, POP3: 110, IMAP: 143.", lang="en",
         why=["", "110 is POP3.", "143 is IMAP."])
    Quiz("Which command rebuilds /etc/aliases.db?", [], answer=["newaliases", "sendmail -bi"], lang="en")
    Quiz.from_list([{"question": ..., "options": [...], "answer": ..., "explanation": ...,
                     "why": [...], "topic": ...}, ...])
    Quiz.from_file("quiz/04-1.json")    # {"lang": "ko", "questions": [...]} next to the notebook

`answer` is an option's text or its index; a list of them makes a "choose all that apply"
question (checkboxes). No options makes a "write the command" question: the learner types the
answer, and `answer` is the accepted text or a list of accepted forms, compared leniently
(spaces collapsed, spaces around `<`, `>`, `|` ignored, a leading `$ ` or `# ` prompt dropped).
`why` says, option by option, why that option is right or wrong: after a wrong choice the
learner reads why the chosen option is wrong, after the right one why every other option is.
A question's lines after the first (a config file or a command's output to read) are shown as
preformatted text. Pressing Check (or calling `.check()` / `.check_button.click()`) shows the verdict.

A QuizSet whose questions carry a `topic` is a mock exam: a Grade button checks every
question at once, shows each right answer, a score out of 100 and, topic by topic, how many
were right and which questions to read again (also shown once every question was checked).
The text/plain form lists the questions without answers, so a notebook read outside Jupyter
still shows them.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import ipywidgets as w

LABELS = {
    "ko": {"check": "확인", "right": "정답입니다!", "wrong": "다시 생각해 보세요.", "none": "답을 먼저 고르세요.",
           "none_text": "답을 먼저 입력하세요.", "all": "(모두 고르세요)", "type": "명령이나 값을 입력하세요",
           "text_hint": "(직접 입력)", "text_wrong": "철자와 순서를 다시 확인해 보세요.",
           "score": "맞힌 문제: {n} / {total}", "question": "문제", "answer_is": "정답: {answer}",
           "why": "보기 풀이", "grade": "채점하기", "exam_score": "점수: {points}점 (맞힌 문제 {n} / {total})",
           "review": "주제별 결과", "topic_line": "{topic}: {n} / {total}", "again": "다시 볼 문제: {numbers}",
           "unanswered": "(답하지 않음)"},
    "en": {"check": "Check", "right": "Correct!", "wrong": "Not quite. Think again.", "none": "Choose an answer first.",
           "none_text": "Type an answer first.", "all": "(choose all that apply)", "type": "type the command or value",
           "text_hint": "(type the answer)", "text_wrong": "Check the spelling and the order of the words.",
           "score": "Correct so far: {n} / {total}", "question": "Question", "answer_is": "Answer: {answer}",
           "why": "The options", "grade": "Grade", "exam_score": "Score: {points} / 100 ({n} of {total} correct)",
           "review": "By topic", "topic_line": "{topic}: {n} / {total}", "again": "read again: questions {numbers}",
           "unanswered": "(not answered)"},
}


def _labels(lang: str) -> dict:
    if lang not in LABELS:
        raise ValueError(f"Quiz: lang must be one of {sorted(LABELS)}, not {lang!r}")
    return LABELS[lang]


def normalize_answer(text: str) -> str:
    """A typed answer as compared: one space between words, none needed around < > |, no prompt."""
    s = " ".join(str(text).split())
    s = re.sub(r"^[$#]\s+", "", s)
    s = re.sub(r"\s*(>>|[<>|])\s*", r" \1 ", s)
    return " ".join(s.split())


class Quiz(w.VBox):
    """One question: the choices (or a text field), a Check button and the feedback under it."""

    def __init__(self, question: str, options: list[str], answer, explanation: str = "", lang: str = "ko",
                 number: int | None = None, on_check=None, why: list[str] | None = None, topic: str | None = None):
        self.lang = lang
        self.labels = _labels(lang)
        self.question = question
        self.options = [str(o) for o in options or []]
        self.free_text = not self.options
        self.explanation = explanation
        self.number = number
        self.topic = topic
        self.correct: bool | None = None  # None until checked with a choice made
        self._on_check = on_check
        if self.free_text:
            accepted = [answer] if isinstance(answer, str) else list(answer or [])
            if not accepted or not all(isinstance(a, str) and a.strip() for a in accepted):
                raise ValueError("Quiz: a typed-answer question needs at least one accepted answer text")
            self.accepted = [str(a) for a in accepted]
            self.multiple = False
            self.answer = frozenset()
        else:
            if len(set(self.options)) != len(self.options) or len(self.options) < 2:
                raise ValueError("Quiz: at least two options, all different")
            self.multiple = isinstance(answer, (list, tuple, set, frozenset))
            self.answer = frozenset(self._index(a) for a in answer) if self.multiple else frozenset([self._index(answer)])
            self.accepted = []
        self.why = [str(x) for x in why] if why else []
        if self.why and len(self.why) != len(self.options):
            raise ValueError(f"Quiz: {len(self.why)} option explanations (why) for {len(self.options)} options")
        title = f"{self.labels['question']} {number}. " if number else ""
        hint = f" {self.labels['all']}" if self.multiple else f" {self.labels['text_hint']}" if self.free_text else ""
        head, _, shown = question.partition("\n")  # lines after the first: a config or output to read
        block = f'<pre style="margin:4px 0">{html.escape(shown)}</pre>' if shown.strip() else ""
        self.prompt = w.HTML(f"<b>{html.escape(title + head)}</b>{html.escape(hint)}{block}")
        self.boxes = []
        if self.free_text:
            self.choice = w.Text(value="", placeholder=self.labels["type"], layout=w.Layout(width="32em"))
        elif self.multiple:
            self.boxes = [w.Checkbox(value=False, description=o, indent=False,
                                     layout=w.Layout(width="auto")) for o in self.options]
            self.choice = w.VBox(self.boxes)
        else:
            self.choice = w.RadioButtons(options=self.options, value=None, layout=w.Layout(width="auto"))
        self.check_button = w.Button(description=self.labels["check"], button_style="primary")
        self.check_button.on_click(lambda _b: self.check())
        self.feedback = w.HTML("")
        super().__init__([self.prompt, self.choice, self.check_button, self.feedback])

    def _index(self, a) -> int:
        if isinstance(a, int) and not isinstance(a, bool):
            if not 0 <= a < len(self.options):
                raise ValueError(f"Quiz: answer index {a} is not one of the {len(self.options)} options")
            return a
        if str(a) not in self.options:
            raise ValueError(f"Quiz: answer {a!r} is not one of the options")
        return self.options.index(str(a))

    def select(self, *choices) -> "Quiz":
        """Choose options by text or index, or type the text of a typed-answer question; returns self."""
        if self.free_text:
            if len(choices) != 1:
                raise ValueError("Quiz: type exactly one answer")
            self.choice.value = str(choices[0])
            return self
        picked = {self._index(c) for c in choices}
        if self.multiple:
            for i, box in enumerate(self.boxes):
                box.value = i in picked
        else:
            if len(picked) != 1:
                raise ValueError("Quiz: this question takes exactly one choice")
            self.choice.value = self.options[picked.pop()]
        return self

    def chosen(self) -> frozenset[int]:
        if self.free_text:
            return frozenset()
        if self.multiple:
            return frozenset(i for i, box in enumerate(self.boxes) if box.value)
        return frozenset() if self.choice.value is None else frozenset([self.options.index(self.choice.value)])

    def answered(self) -> bool:
        return bool(self.choice.value.strip()) if self.free_text else bool(self.chosen())

    def is_right(self) -> bool:
        if self.free_text:
            typed = normalize_answer(self.choice.value)
            return any(typed == normalize_answer(a) for a in self.accepted)
        return self.chosen() == self.answer

    def _verdict(self, right: bool) -> str:
        verdict = self.labels["right"] if right else self.labels["wrong"]
        color = "#1a7f37" if right else "#c01c28"
        return f'<span style="color:{color};font-weight:bold">{html.escape(verdict)}</span>'

    def _why_lines(self, indexes) -> str:
        lines = [f"• {html.escape(self.options[i])}: {html.escape(self.why[i])}" for i in sorted(indexes) if self.why and self.why[i]]
        return "<br>".join(lines)

    def check(self) -> bool | None:
        if not self.answered():
            self.correct = None
            none = self.labels["none_text"] if self.free_text else self.labels["none"]
            self.feedback.value = f'<span style="color:#9a6700">{html.escape(none)}</span>'
        else:
            self.correct = self.is_right()
            parts = [self._verdict(self.correct)]
            if self.correct:
                if self.explanation:
                    parts.append(html.escape(self.explanation))
                others = [i for i in range(len(self.options)) if i not in self.answer]
                if self._why_lines(others):
                    parts.append(f"<i>{html.escape(self.labels['why'])}</i>")
                    parts.append(self._why_lines(others))
            elif self.free_text:
                parts.append(html.escape(self.labels["text_wrong"]))
            elif self._why_lines(self.chosen() - self.answer):  # why the picked wrong options are wrong
                parts.append(self._why_lines(self.chosen() - self.answer))
            self.feedback.value = "<br>".join(parts)
        if self._on_check is not None:
            self._on_check(self)
        return self.correct

    def answer_text(self) -> str:
        if self.free_text:
            return " / ".join(self.accepted)
        return ", ".join(self.options[i] for i in sorted(self.answer))

    def reveal(self) -> None:
        """Show the right answer, the explanation and why every option is right or wrong (after grading)."""
        right = bool(self.correct)
        parts = [self._verdict(right)]
        if not self.answered():
            parts[0] += " " + html.escape(self.labels["unanswered"])
        parts.append(html.escape(self.labels["answer_is"].format(answer=self.answer_text())))
        if self.explanation:
            parts.append(html.escape(self.explanation))
        if self._why_lines(range(len(self.options))):
            parts.append(f"<i>{html.escape(self.labels['why'])}</i>")
            parts.append(self._why_lines(range(len(self.options))))
        self.feedback.value = "<br>".join(parts)

    @property
    def feedback_text(self) -> str:
        """The feedback without markup, for tests and for reading in a terminal."""
        return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", self.feedback.value)))

    def plain(self) -> str:
        title = f"{self.labels['question']} {self.number}. " if self.number else ""
        if self.free_text:
            return f"{title}{self.question} {self.labels['text_hint']}\n  [ ________________ ]"
        hint = f" {self.labels['all']}" if self.multiple else ""
        mark = "[ ]" if self.multiple else "( )"
        return "\n".join([f"{title}{self.question}{hint}"] + [f"  {mark} {o}" for o in self.options])

    def __repr__(self) -> str:
        return self.plain()

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.plain()
        return data

    @classmethod
    def from_list(cls, items: list[dict], lang: str = "ko") -> "QuizSet":
        """Several questions in one widget, numbered, with a running score."""
        return QuizSet(items, lang)

    @classmethod
    def from_file(cls, path: str | Path) -> "QuizSet":
        """Questions kept in a JSON file: {"lang": "ko", "questions": [{question, options, answer, explanation}]}."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"Quiz: no question file {path} (run the notebook from its own folder)") from None
        return QuizSet(data["questions"], data.get("lang", "ko"))


class QuizSet(w.VBox):
    """Questions one under the other and a score that follows each Check; with topics, a mock exam."""

    def __init__(self, items: list[dict], lang: str = "ko"):
        self.labels = _labels(lang)
        self.lang = lang
        self.quizzes = [Quiz(it["question"], it["options"], it["answer"], it.get("explanation", ""), lang,
                             number=i + 1, on_check=self._update, why=it.get("why"), topic=it.get("topic"))
                        for i, it in enumerate(items)]
        if not self.quizzes:
            raise ValueError("Quiz.from_list: no questions")
        self.exam = any(q.topic for q in self.quizzes)
        self.score = w.HTML("")
        self.review = w.HTML("")
        self.grade_button = w.Button(description=self.labels["grade"], button_style="success")
        self.grade_button.on_click(lambda _b: self.grade())
        self._graded = False
        self._update()
        tail = [self.grade_button, self.score, self.review] if self.exam else [self.score]
        super().__init__([*self.quizzes, *tail])

    def _update(self, _quiz=None) -> None:
        self.score.value = f"<i>{html.escape(self.score_text)}</i>"
        if self.exam and (self._graded or all(q.correct is not None for q in self.quizzes)):
            self.review.value = "<br>".join(html.escape(line) for line in self.review_lines())

    @property
    def right(self) -> int:
        return sum(1 for q in self.quizzes if q.correct)

    @property
    def score_text(self) -> str:
        n, total = self.right, len(self.quizzes)
        if self.exam and self._graded:
            return self.labels["exam_score"].format(points=round(100 * n / total), n=n, total=total)
        return self.labels["score"].format(n=n, total=total)

    def grade(self) -> int:
        """Check every question as it stands (an empty answer counts as wrong), show the answers; the score."""
        self._graded = True
        for q in self.quizzes:
            q.check()
            if q.correct is None:
                q.correct = False
            q.reveal()
        self._update()
        return self.right

    def topics(self) -> dict[str, list[Quiz]]:
        found: dict[str, list[Quiz]] = {}
        for q in self.quizzes:
            found.setdefault(q.topic or "-", []).append(q)
        return found

    def review_lines(self) -> list[str]:
        """Topic by topic: right / asked, and the numbers of the questions answered wrong."""
        lines = [self.labels["review"]]
        for topic, qs in self.topics().items():
            line = self.labels["topic_line"].format(topic=topic, n=sum(1 for q in qs if q.correct), total=len(qs))
            wrong = [str(q.number) for q in qs if not q.correct]
            if wrong:
                line += " · " + self.labels["again"].format(numbers=", ".join(wrong))
            lines.append(line)
        return lines

    @property
    def review_text(self) -> str:
        return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", self.review.value)))

    def __getitem__(self, i: int) -> Quiz:
        return self.quizzes[i]

    def __len__(self) -> int:
        return len(self.quizzes)

    def plain(self) -> str:
        return "\n\n".join(q.plain() for q in self.quizzes)

    def __repr__(self) -> str:
        return self.plain()

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.plain()
        return data
