"""The overview's count of lights as an office writes it: an empty 已完成, 绿灯 or 未开始 left out, 红灯 and 黄灯
always said ("无红灯"), never "红灯0个", in both languages."""

from django.utils import translation

from reports.bulletins.content import light_counts_words
from targets.choices import Light


def _counts(**given):
    return {light: given.get(light, 0) for light in Light.values}


def test_every_light_with_indicators_is_counted_in_order():
    counts = _counts(done=7, green=34, amber=11, red=15, not_started=2)
    with translation.override("zh-hans"):
        assert light_counts_words(counts) == "已完成7个，绿灯34个，黄灯11个，红灯15个，未开始2个"
    with translation.override("en"):
        assert light_counts_words(counts) == "7 done, 34 green, 11 amber, 15 red and 2 not started"


def test_no_red_is_said_in_words_and_empty_done_and_not_started_are_left_out():
    counts = _counts(green=30, amber=4)
    with translation.override("zh-hans"):
        assert light_counts_words(counts) == "绿灯30个，黄灯4个，无红灯"
    with translation.override("en"):
        assert light_counts_words(counts) == "30 green, 4 amber and no red"


def test_nothing_amber_or_red_says_both():
    with translation.override("zh-hans"):
        assert light_counts_words(_counts(done=3)) == "已完成3个，无黄灯，无红灯"
        assert light_counts_words(_counts()) == "无黄灯，无红灯"


def test_the_section_with_the_most_red_says_red_first_and_no_amber_in_words():
    with translation.override("zh-hans"):
        assert light_counts_words(_counts(red=7, amber=1), (Light.RED, Light.AMBER)) == "红灯7个，黄灯1个"
        assert light_counts_words(_counts(red=3, green=5), (Light.RED, Light.AMBER)) == "红灯3个，无黄灯"
