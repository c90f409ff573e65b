"""What every browser test checks on a page it visits: nothing wider than the screen, no English left on a
Chinese page, no asset answered 4xx/5xx."""

import re

WIDTHS = (1366, 375)

# Words that stay in Latin letters on a Chinese page: file types and the language menu's "English".
ALLOWED_WORDS = {"English", "jpg", "png", "pdf", "doc", "docx", "xls", "xlsx", "csv", "zip", "Excel", "Word"}

_VISIBLE_TEXT = """() => {
  // The signed-in person's name (a username when no name is set) is data, not text to translate.
  const who = document.querySelector('.who');
  const texts = [who ? document.body.innerText.replace(who.innerText, '') : document.body.innerText];
  for (const el of document.querySelectorAll('[title],[placeholder],[aria-label]')) {
    texts.push(el.getAttribute('title') || '', el.getAttribute('placeholder') || '', el.getAttribute('aria-label') || '');
  }
  for (const option of document.querySelectorAll('option')) texts.push(option.textContent);
  return texts.join('\\n');
}"""


def watch_assets(page) -> list:
    """Record every response of 400 or more the page receives from now on."""
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append((response.status, response.url)))
    return failed


def english_words(page, allowed=()) -> list[str]:
    text = page.evaluate(_VISIBLE_TEXT)
    words = re.findall(r"\b[A-Za-z]*[a-z]{2,}[A-Za-z]*\b", text)
    return sorted({w for w in words if w not in ALLOWED_WORDS and w not in set(allowed)})


def assert_sound(page, failed: list, allowed=()):
    """The page at its current width: fits, is Chinese, and loaded every asset."""
    width = page.evaluate("window.innerWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"
    assert not english_words(page, allowed), f"English on {page.url}: {english_words(page, allowed)}"
    assert not failed, f"assets failed on {page.url}: {failed}"


def at_each_width(page, url: str, name: str, allowed=()):
    """Open `url` at 1366 px then 375 px, check it at each and take a screenshot; ends at 375 px."""
    failed = watch_assets(page)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 812})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.shot(f"{name}-{width}")
        assert_sound(page, failed, allowed)
