"""Match settings refuse values that cannot work, naming the field and the rule."""

import pytest

from bot.core import MatchSettings
from bot.core.errors import SettingError


@pytest.mark.parametrize(
    ("values", "field", "rule"),
    [
        ({"answer_threshold": 101}, "answer_threshold", "between 0 and 100"),
        ({"suggest_threshold": 60}, "suggest_threshold", "answer_threshold, which is 45"),
        ({"min_coverage": float("nan")}, "min_coverage", "between 0 and 1"),
        ({"typo_max_edits": 4}, "typo_max_edits", "between 0 and 3"),
        ({"max_suggestions": 26}, "max_suggestions", "between 0 and 25"),
        ({"title_weight": -1}, "title_weight", "between 0 and 100"),
        ({"text_weight": 101}, "text_weight", "between 0 and 100"),
    ],
)
def test_a_setting_out_of_range_is_refused_with_its_rule(values, field, rule):
    with pytest.raises(SettingError) as caught:
        MatchSettings(**values)
    assert caught.value.field == field
    assert rule in caught.value.rule
    assert str(caught.value).startswith(f"{field}=")


def test_the_defaults_are_accepted():
    assert MatchSettings().answer_threshold > MatchSettings().suggest_threshold
