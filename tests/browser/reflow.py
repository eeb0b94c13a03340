"""Reflow on a phone (WCAG 2.2 success criterion 1.4.10): at 320 CSS pixels wide a page must not scroll
sideways, and no tag may break inside a word ("Re d").

The page is narrowed in place (the viewport resized, the same document laid out again), measured, then
widened back, so the sweep loads each page only once.
"""

from __future__ import annotations

PHONE_WIDTH = 320
DESKTOP = {"width": 1280, "height": 900}

# What sticks out past the right edge of the viewport, widest first, as `tag#id.class (right edge)`. An
# element inside a box that scrolls or clips on its own (overflow other than visible) does not move the page,
# nor does one that is visually hidden (GOV.UK's 1px clipped box); of nested offenders only the outermost is
# named, since it is the one to fix.
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return {width, scrollWidth, offenders: []};
  const name = (el) => {
    const classes = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes;
  };
  const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.documentElement; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible' || style.clipPath !== 'none' || style.clip !== 'auto') return true;
    }
    return false;
  };
  const sticksOut = (box) => box.width > 0 && box.right + window.scrollX > width + 0.5;
  const sticking = new Set(Array.from(document.body.querySelectorAll('*'))
    .filter(el => sticksOut(el.getBoundingClientRect()) && !contained(el)));
  // Text that runs out of its box (a long word or address) widens the page, not the box: name the box.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (sticksOut(range.getBoundingClientRect()) && !contained(node)) sticking.add(node.parentElement);
  }
  const all = Array.from(sticking);
  const outermost = all.filter(el => !all.some(other => other !== el && other.contains(el)));
  // The widest first; of equally wide ones, the one that sticks out furthest.
  const right = (el) => el.getBoundingClientRect().right;
  outermost.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width || right(b) - right(a));
  return {width, scrollWidth, offenders: outermost.slice(0, 3).map(el => {
    const box = el.getBoundingClientRect();
    const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${name(el)} (${Math.round(box.width)}px wide, right edge at ${Math.round(box.right + window.scrollX)}px)`
      + (text ? ` "${text}"` : '');
  })};
}
"""

# Tags (GOV.UK's, and the RAG ratings) whose text is split across lines inside a word: each word of each
# tag must sit on one line.
BROKEN_TAGS = """
() => {
  const broken = [];
  for (const tag of document.querySelectorAll('.govuk-tag, .app-rag')) {
    if (!tag.getClientRects().length) continue;
    const walker = document.createTreeWalker(tag, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(`"${tag.innerText.trim()}" (the word "${match[0]}")`);
      }
    }
  }
  return broken;
}
"""


def phone_problems(page, label: str) -> list[str]:  # noqa: ANN001
    """What is wrong with the page in front of `page` at 320px wide (none: []); the page is left at desktop size."""
    page.set_viewport_size({"width": PHONE_WIDTH, "height": DESKTOP["height"]})
    try:
        overflow = page.evaluate(OVERFLOW)
        broken = page.evaluate(BROKEN_TAGS)
    finally:
        page.set_viewport_size(DESKTOP)
    problems = []
    if overflow["scrollWidth"] > overflow["width"]:
        problems.append(
            f"{label} ({page.url}) scrolls sideways at {PHONE_WIDTH}px: {overflow['scrollWidth']}px wide; "
            f"widest: {'; '.join(overflow['offenders']) or 'nothing found'}"
        )
    problems.extend(f"{label} ({page.url}): tag broken inside a word at {PHONE_WIDTH}px: {b}" for b in broken)
    return problems
