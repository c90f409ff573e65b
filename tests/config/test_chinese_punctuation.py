"""Chinese strings use Chinese punctuation (，：；（）), as GB/T 15834 and every county document do."""

import ast
import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
HAN = re.compile(r"[\u3400-\u9fff]")
CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff1f]")  # Han, 、。〔〕, ！，：；（）？
# Kept as written: format placeholders, %%, URLs, times (12:30), code in backticks.
KEPT = re.compile(r"%\([A-Za-z_0-9]+\)[-+ #0]*\d*(?:\.\d+)?[sdfi]|%%|https?://[^\s\"“”]+|\b\d{1,2}:\d{2}\b|`[^`]*`")
ASCII = re.compile(r"[,:;()]")


def msgstrs(text: str):
    """(msgid, msgstr) of every entry, the strings joined across lines as gettext reads them."""
    entries, key, current = [], None, None
    for line in text.splitlines() + [""]:
        match = re.match(r'^(msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            key, current = match.group(1), [ast.literal_eval(match.group(2))]
            entries.append((key, current))
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
        else:
            key, current = None, None
    msgid = ""
    for key, parts in entries:
        if key == "msgid":
            msgid = "".join(parts)
        else:
            yield msgid, "".join(parts)


def ascii_punctuation_in_chinese(msgstr: str) -> list[str]:
    """The ASCII , : ; ( ) of a Chinese string that sit beside Chinese text. One between two non-Chinese
    tokens is a literal the reader types (例如 10, 25, 50; 5,8,11; 2024-06-30:50) and stays."""
    if not HAN.search(msgstr):
        return []
    text = KEPT.sub(lambda m: "\0" * len(m.group()), msgstr)

    def beside(i, step):
        j = i + step
        while 0 <= j < len(text) and text[j] in " \0":
            j += step
        return text[j] if 0 <= j < len(text) else ""

    found = []
    for match in ASCII.finditer(text):
        i = match.start()
        near = (beside(i, -1), beside(i, 1))
        inside = ""
        if text[i] == "(":
            inside = text[i + 1 : text.find(")", i)] if ")" in text[i:] else ""
        if any(CHINESE.match(c) for c in near if c) or HAN.search(inside):
            found.append(f"{text[i]} at {i}")
    return found


def test_chinese_translations_use_chinese_punctuation():
    bad = [
        (msgid, msgstr)
        for msgid, msgstr in msgstrs(CATALOGUE.read_text(encoding="utf-8"))
        if ascii_punctuation_in_chinese(msgstr)
    ]
    assert not bad, f"{len(bad)} Chinese strings with ASCII punctuation, e.g. {bad[:5]}"


def test_the_check_tells_a_chinese_comma_from_a_literal_one():
    assert ascii_punctuation_in_chinese("审核意见,或退回原因。")
    assert ascii_punctuation_in_chinese("晾晒排名(%(month)s)")
    assert ascii_punctuation_in_chinese("%(name)s:仅接受以下文件类型:%(types)s。")
    assert ascii_punctuation_in_chinese("灯色（红黄绿灯）:not_started、done")
    assert not ascii_punctuation_in_chinese("例如 10, 25, 50, 100；留空则使用默认档次。")
    assert not ascii_punctuation_in_chinese("每天 12:30 提醒，详见 https://example.org/a:b。")
    assert not ascii_punctuation_in_chinese("以 `Authorization: Token <token>` 形式发送。")
    assert not ascii_punctuation_in_chinese("Reported: %(value)s (late)")


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HTML_TAG = re.compile(r"<[^>]*>", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)[^>]*>.*?</\1>", re.S)


def literal_punctuation(source: str) -> list[str]:
    """The ASCII , : ; ( ) a template writes as its own text, outside translated strings, template tags,
    HTML tags (a title written across template tags counts: a tooltip is read) and entities. Such a mark
    sits between translated Chinese words, so it goes through {% translate ": " context "…" %} instead."""
    from django.template.base import Lexer, TokenType

    parts, inside = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = (token.contents.split() or [""])[0]
            inside += name in ("blocktranslate", "blocktrans", "comment")
            inside -= name in ("endblocktranslate", "endblocktrans", "endcomment")
        parts.append(token.contents if token.token_type == TokenType.TEXT and not inside else "\0")
    text = "".join(parts)
    text = SCRIPT_OR_STYLE.sub(" ", text)
    titles = " ".join(re.findall(r'\btitle="([^"]*)"', text))
    text = re.sub(r"&#?\w+;", " ", HTML_TAG.sub(" ", text) + " " + titles)
    return [text[max(0, m.start() - 15) : m.end() + 15].replace("\0", "…") for m in ASCII.finditer(text)]


def test_templates_write_no_ascii_punctuation_of_their_own():
    bad = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := literal_punctuation(path.read_text(encoding="utf-8")))
    }
    assert not bad, bad


def test_the_template_check_finds_a_colon_between_translated_words():
    assert literal_punctuation('<p>{% translate "Type" %}: {{ v }}</p>')
    assert literal_punctuation('<h2>{% translate "Red" %} ({{ n }})</h2>')
    assert literal_punctuation('<span title="{{ label }}: {{ n }}"></span>')
    assert not literal_punctuation('<a href="?a=1&amp;b=2" style="width:50%">{% translate "Type" %}</a>')
    assert not literal_punctuation("{% blocktranslate %}Saved: {{ n }} new, {{ m }} changed{% endblocktranslate %}")
    assert not literal_punctuation(
        '<p>{% translate "Type" %}{% translate ": " context "between a label and its value" %}{{ v }}</p>'
    )


def test_form_labels_end_with_a_chinese_colon_in_chinese_only():
    """Django adds ":" after every form label and its own Chinese catalogue keeps it ASCII; ours gives "："."""
    from django import forms
    from django.utils import translation

    class Notice(forms.Form):
        notice = forms.CharField(label="督办通知")

    with translation.override("zh-hans"):
        assert Notice()["notice"].label_tag() == '<label for="id_notice">督办通知：</label>'
    with translation.override("en"):
        assert Notice()["notice"].label_tag().endswith("督办通知:</label>")
