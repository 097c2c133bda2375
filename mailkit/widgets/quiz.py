"""The course's self-check: exam-style questions answered with radio buttons or checkboxes.

    Quiz("SMTP uses which TCP port?", ["25", "110", "143"], answer="25",
         explanation="SMTP: 25, POP3: 110, IMAP: 143.", lang="en")
    Quiz.from_list([{"question": ..., "options": [...], "answer": ..., "explanation": ...}, ...])
    Quiz.from_file("quiz/04.json")      # {"lang": "ko", "questions": [...]} next to the notebook

`answer` is an option's text or its index; a list of them makes a "choose all that apply"
question (checkboxes). Pressing Check (or calling `.check()` / `.check_button.click()`)
shows whether the choice is right and the explanation. The text/plain form lists the
questions without answers, so a notebook read outside Jupyter still shows them.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import ipywidgets as w

LABELS = {
    "ko": {"check": "확인", "right": "정답입니다!", "wrong": "다시 생각해 보세요.", "none": "답을 먼저 고르세요.",
           "all": "(모두 고르세요)", "score": "맞힌 문제: {n} / {total}", "question": "문제"},
    "en": {"check": "Check", "right": "Correct!", "wrong": "Not quite. Think again.", "none": "Choose an answer first.",
           "all": "(choose all that apply)", "score": "Correct so far: {n} / {total}", "question": "Question"},
}


def _labels(lang: str) -> dict:
    if lang not in LABELS:
        raise ValueError(f"Quiz: lang must be one of {sorted(LABELS)}, not {lang!r}")
    return LABELS[lang]


class Quiz(w.VBox):
    """One question: the choices, a Check button and the feedback under it."""

    def __init__(self, question: str, options: list[str], answer, explanation: str = "", lang: str = "ko",
                 number: int | None = None, on_check=None):
        self.lang = lang
        self.labels = _labels(lang)
        self.question = question
        self.options = [str(o) for o in options]
        if len(set(self.options)) != len(self.options) or len(self.options) < 2:
            raise ValueError("Quiz: at least two options, all different")
        self.multiple = isinstance(answer, (list, tuple, set, frozenset))
        self.answer = frozenset(self._index(a) for a in answer) if self.multiple else frozenset([self._index(answer)])
        self.explanation = explanation
        self.number = number
        self.correct: bool | None = None  # None until checked with a choice made
        self._on_check = on_check
        title = f"{self.labels['question']} {number}. " if number else ""
        hint = f" {self.labels['all']}" if self.multiple else ""
        self.prompt = w.HTML(f"<b>{html.escape(title + question)}</b>{html.escape(hint)}")
        if self.multiple:
            self.boxes = [w.Checkbox(value=False, description=o, indent=False,
                                     layout=w.Layout(width="auto")) for o in self.options]
            self.choice = w.VBox(self.boxes)
        else:
            self.boxes = []
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
        """Choose options by text or index (as a learner clicking them); returns self."""
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
        if self.multiple:
            return frozenset(i for i, box in enumerate(self.boxes) if box.value)
        return frozenset() if self.choice.value is None else frozenset([self.options.index(self.choice.value)])

    def check(self) -> bool | None:
        picked = self.chosen()
        if not picked:
            self.correct = None
            self.feedback.value = f'<span style="color:#9a6700">{html.escape(self.labels["none"])}</span>'
        else:
            self.correct = picked == self.answer
            verdict = self.labels["right"] if self.correct else self.labels["wrong"]
            color = "#1a7f37" if self.correct else "#c01c28"
            text = f'<span style="color:{color};font-weight:bold">{html.escape(verdict)}</span>'
            if self.correct and self.explanation:
                text += f"<br>{html.escape(self.explanation)}"
            self.feedback.value = text
        if self._on_check is not None:
            self._on_check(self)
        return self.correct

    @property
    def feedback_text(self) -> str:
        """The feedback without markup, for tests and for reading in a terminal."""
        import re

        return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", self.feedback.value)))

    def plain(self) -> str:
        title = f"{self.labels['question']} {self.number}. " if self.number else ""
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
    """Questions one under the other and a score that follows each Check."""

    def __init__(self, items: list[dict], lang: str = "ko"):
        self.labels = _labels(lang)
        self.lang = lang
        self.quizzes = [Quiz(it["question"], it["options"], it["answer"], it.get("explanation", ""), lang,
                             number=i + 1, on_check=self._update) for i, it in enumerate(items)]
        if not self.quizzes:
            raise ValueError("Quiz.from_list: no questions")
        self.score = w.HTML("")
        self._update()
        super().__init__([*self.quizzes, self.score])

    def _update(self, _quiz=None) -> None:
        n = sum(1 for q in self.quizzes if q.correct)
        self.score.value = f"<i>{html.escape(self.labels['score'].format(n=n, total=len(self.quizzes)))}</i>"

    @property
    def score_text(self) -> str:
        return self.labels["score"].format(n=sum(1 for q in self.quizzes if q.correct), total=len(self.quizzes))

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
