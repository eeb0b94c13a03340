"""Using a page with the keyboard alone, in a real browser: the Tab order from the top of the page, whether
focus reaches every form's submit button, whether each focused element shows GOV.UK's focus style, and
whether the skip link moves focus to the main content.

A `focusin` listener in the page writes down each element as it receives focus (with its look, focused
and not), so that Tab can be pressed many times between two reads of that log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Long pages (a report under review with 40 items, each with six buttons) stay well under this.
MAX_TABS = 800
BATCH = 20
GOVUK_FOCUS_COLOUR = "rgb(255, 221, 0)"  # #fd0

# Installs the log. With `looks`, first notes how every focusable element looks unfocused, to compare.
# Returns whether the page is in the service's layout (a header to skip) and what has focus already.
INSTALL_FOCUS_LOG = """
(looks) => {
  const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color',
    'border-top-color', 'border-bottom-width', 'color', 'text-decoration-line'];
  const snap = (node, pseudo) => {
    const style = getComputedStyle(node, pseudo);
    return props.map(p => `${p}:${style.getPropertyValue(p)}`).join(';');
  };
  const look = (el) => {
    const parts = [snap(el, null), snap(el, '::before'), snap(el, '::after')];
    // Radios and checkboxes are drawn by their label's pseudo-elements; the input itself is transparent.
    if ((el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels.length) {
      parts.push(snap(el.labels[0], '::before'), snap(el.labels[0], '::after'));
    }
    return parts.join('|');
  };
  const active = document.activeElement;
  const state = {
    layout: !!document.querySelector('.govuk-template__header'),
    focused: active && active !== document.body ? active.tagName : null,
    mainHasFocusable: !!document.querySelector('main a[href], main button, main input:not([type=hidden]), main select,'
      + ' main textarea, main summary, main [tabindex]:not([tabindex="-1"])'),
  };
  if (window.__sweepFocus) {
    window.__sweepFocus = [];  // installed already: start a new log
    return state;
  }
  const unfocused = new Map();
  if (looks) {
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
      unfocused.set(el, look(el));
    }
  }
  let next = 0;
  window.__sweepFocus = [];
  document.addEventListener('focusin', (event) => {
    const el = event.target;
    if (!el.dataset.sweepFocusId) el.dataset.sweepFocusId = String(next++);
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
    const classNames = typeof el.className === 'string' ? el.className.trim() : '';
    const classes = classNames ? '.' + classNames.split(/\\s+/).join('.') : '';
    const entry = {
      id: el.dataset.sweepFocusId,
      description: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes} "${text.slice(0, 50)}"`,
      elementId: el.id,
      submit: el.getAttribute('data-sweep-submit'),
      skipLink: el.classList.contains('govuk-skip-link'),
      inMain: !!el.closest('main'),
      frame: el.tagName === 'IFRAME',
    };
    if (looks && !entry.frame) {
      const focusedLook = look(el);
      entry.changes = unfocused.has(el) && unfocused.get(el) !== focusedLook;
      entry.focusColour = focusedLook.includes('rgb(255, 221, 0)');
    }
    window.__sweepFocus.push(entry);
  });
  return state;
}
"""

# Marks every visible, enabled submit button of every form; returns their descriptions. One kept out of
# the Tab order on purpose (the review form's hidden default for Enter) is not required, but every form
# must have a submit button that Tab reaches.
MARK_SUBMITS = """
() => {
  const marked = [];
  document.querySelectorAll('form').forEach((form, formIndex) => {
    for (const el of form.elements) {
      const isSubmit = (el.tagName === 'BUTTON' && (el.getAttribute('type') || 'submit') === 'submit')
        || (el.tagName === 'INPUT' && ['submit', 'image'].includes(el.type));
      if (!isSubmit || el.disabled || el.getClientRects().length === 0) continue;
      const key = `${formIndex}:${marked.length}`;
      el.setAttribute('data-sweep-submit', key);
      const text = (el.innerText || el.value || '').trim().slice(0, 60);
      marked.push({key, form: formIndex, required: el.tabIndex >= 0, text, action: form.getAttribute('action') || ''});
    }
  });
  return marked;
}
"""

READ_LOG = "() => ({log: window.__sweepFocus.splice(0), outside: document.activeElement === document.body})"


@dataclass
class Walk:
    """What the Tab key did on one page, from the top to the end."""

    url: str
    steps: int = 0
    first: str = ""
    submits: int = 0
    unreached: list[dict] = field(default_factory=list)
    invisible_focus: list[str] = field(default_factory=list)
    too_long: bool = False


def _tab_through(page) -> tuple[list[dict], bool]:  # noqa: ANN001
    """Every element Tab focuses once, in order, from the top of the page; and whether the end was reached."""
    entries: list[dict] = []
    presses = 0
    while presses < MAX_TABS:
        for _ in range(BATCH):
            page.keyboard.press("Tab")
        presses += BATCH
        state = page.evaluate(READ_LOG)
        for entry in state["log"]:
            if entries and entry["id"] == entries[0]["id"]:
                return entries, True  # focus went round to the top again
            entries.append(entry)
        if state["outside"]:
            return entries, True
    return entries, False


# Where a page put focus on load (an error summary, a success banner), start from the top all the same.
FROM_THE_TOP = """
() => {
  if (!document.activeElement || document.activeElement === document.body) return;
  document.body.setAttribute('tabindex', '-1');
  document.body.focus();
  document.body.removeAttribute('tabindex');
}
"""


def walk_with_tab(page) -> Walk:  # noqa: ANN001
    """Tab from the top of the page to its end, checking each focused element on the way."""
    page.evaluate(FROM_THE_TOP)
    page.evaluate(INSTALL_FOCUS_LOG, True)
    submits = page.evaluate(MARK_SUBMITS)
    entries, ended = _tab_through(page)
    walk = Walk(url=page.url, steps=len(entries), submits=len(submits), too_long=not ended)
    if entries:
        walk.first = "skip link" if entries[0]["skipLink"] else entries[0]["description"]
    # Focus inside a framed document (an email preview) is styled by that document, not by the service.
    walk.invisible_focus = [
        e["description"] for e in entries if not e["frame"] and not (e["changes"] and e["focusColour"])
    ]
    reached = {e["submit"] for e in entries if e["submit"]}
    forms_reached = {s["form"] for s in submits if s["key"] in reached}
    walk.unreached = [
        s for s in submits if s["key"] not in reached and (s["required"] or s["form"] not in forms_reached)
    ]
    return walk


def skip_link_problem(page, *, walked: bool = False) -> str | None:  # noqa: ANN001
    """None if Tab on the freshly loaded page reaches the skip link first and Enter on it moves focus to <main>.

    After a walk (which has already checked what Tab reaches first) the skip link is focused directly.
    """
    page_state = page.evaluate(INSTALL_FOCUS_LOG, False)
    if not page_state["layout"]:
        return None  # a document outside the service's layout (a report's print view) has no blocks to skip
    if walked:
        # The walk's last presses may have gone round to the skip link: blur it so that focusing it is logged.
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.focus(".govuk-skip-link")
    elif page_state["focused"]:
        return f"focus starts on a {page_state['focused']} when the page opens"
    else:
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    log = page.evaluate(READ_LOG)["log"]
    if not log or not log[0]["skipLink"]:
        return f"the first element Tab reaches is not the skip link but {log[0]['description'] if log else 'nothing'}"
    if len(log) < 2 or log[1]["elementId"] != "main-content":
        return f"the skip link moved focus to {log[1]['description'] if len(log) > 1 else 'nothing'}, not <main>"
    if page_state["mainHasFocusable"] and (len(log) < 3 or not log[2]["inMain"]):
        return "after the skip link, Tab leaves the main content"
    return None
