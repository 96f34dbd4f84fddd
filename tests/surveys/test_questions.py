"""Questions: what the builder accepts, which questions show, how answers are cleaned."""

from __future__ import annotations

import pytest

from huifang.surveys.questions import (
    AnswersInvalid,
    Question,
    SurveyError,
    clean,
    clean_all,
    parse,
    visible,
)

STABLE = Question("stable", "yesno", "运行是否稳定？")
PROBLEM = Question("problem", "text", "遇到了什么问题？", show_if="stable", show_values=("no",))
SCORE = Question("score", "csat", "满意度")
NPS = Question("nps", "nps", "推荐意愿")
RATING = Question("ease", "rating10", "上手难易")
NEEDS = Question("needs", "multiple", "需求", options=("培训", "延保"), required=False)


class TestBuilderRules:
    def test_it_accepts_every_kind(self) -> None:
        data = [q.as_dict() for q in (STABLE, PROBLEM, SCORE, NPS, RATING, NEEDS)] + [
            Question("pick", "single", "渠道", options=("电话", "短信")).as_dict()
        ]
        assert [q.key for q in parse(data)] == [
            "stable", "problem", "score", "nps", "ease", "needs", "pick",
        ]  # fmt: skip

    def test_it_refuses_a_choice_with_one_option(self) -> None:
        lonely = Question("pick", "single", "渠道", options=("电话",))
        with pytest.raises(SurveyError, match="至少需要两个选项"):
            parse([lonely.as_dict()])

    def test_it_refuses_depending_on_a_later_question(self) -> None:
        with pytest.raises(SurveyError, match="只能依赖它前面的问题"):
            parse([PROBLEM.as_dict(), STABLE.as_dict()])

    def test_it_refuses_an_answer_the_parent_does_not_offer(self) -> None:
        odd = Question("x", "text", "说明", show_if="stable", show_values=("maybe",))
        with pytest.raises(SurveyError):
            parse([STABLE.as_dict(), odd.as_dict()])

    def test_it_refuses_two_questions_with_one_key(self) -> None:
        with pytest.raises(SurveyError, match="有两个问题使用了同一标识 score"):
            parse([SCORE.as_dict(), SCORE.as_dict()])


class TestShownAfterAnswer:
    def test_the_follow_up_question_shows_only_after_no(self) -> None:
        questions = (STABLE, PROBLEM)
        assert visible(questions, {"stable": "yes"}) == [STABLE]
        assert visible(questions, {"stable": "no"}) == [STABLE, PROBLEM]
        assert visible(questions, {}) == [STABLE]

    def test_a_hidden_question_is_neither_required_nor_stored(self) -> None:
        answers = clean_all((STABLE, PROBLEM), {"stable": "yes", "problem": "无关的文字"})
        assert answers == {"stable": "yes"}

    def test_a_shown_required_question_must_be_answered(self) -> None:
        with pytest.raises(AnswersInvalid) as caught:
            clean_all((STABLE, PROBLEM), {"stable": "no"})
        assert set(caught.value.errors) == {"problem"}


class TestCleaning:
    @pytest.mark.parametrize(
        ("question", "raw", "value"),
        [
            (SCORE, "5", 5),
            (SCORE, " 1 ", 1),
            (NPS, "0", 0),
            (NPS, "10", 10),
            (RATING, "10", 10),
            (STABLE, "NO", "no"),
            (NEEDS, ["延保", "培训"], ["培训", "延保"]),
            (NEEDS, [], None),
            (SCORE, "", None),
        ],
    )
    def test_it_stores_what_was_picked(
        self, question: Question, raw: object, value: object
    ) -> None:
        assert clean(question, raw) == value

    @pytest.mark.parametrize(
        ("question", "raw"),
        [(SCORE, "0"), (SCORE, "6"), (NPS, "11"), (RATING, "0"), (SCORE, "五"), (STABLE, "maybe"),
         (NEEDS, ["旅游"])],
    )  # fmt: skip
    def test_it_refuses_what_the_question_does_not_offer(
        self, question: Question, raw: object
    ) -> None:
        with pytest.raises(SurveyError):
            clean(question, raw)
