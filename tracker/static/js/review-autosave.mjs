// The import review page keeps each change as it is made: every field is posted on its own to the page's save
// address as the reviewer types (after a pause) or leaves it. Without JavaScript the page's buttons keep every
// change instead, as they always have. Leaving the page while a change is unsaved asks first.

const CONNECTION = "Not saved — check your connection";
const SIGNED_OUT = "Not saved — you have been signed out. Sign in again in another tab, then change the field again";
const TYPING_PAUSE_MS = 800;
const RETRY_MS = 5000;
// The form's own fields that are not the reviewer's values.
const NOT_VALUES = new Set(["csrf_token", "draft_key", "op"]);

export function startAutosave(form) {
  const url = form.dataset.saveUrl;
  const token = form.querySelector("input[name='csrf_token']").value;
  const draftKey = form.querySelector("input[name='draft_key']").value;
  const status = document.getElementById(form.dataset.saveStatus);
  const waiting = new Set(); // changed, not sent yet
  const unsaved = new Map(); // sent and not kept: name → whether to try again by itself (a connection problem)
  let timer = null;
  let inFlight = null;
  let submitting = false;

  const show = (text, problem = false) => {
    status.textContent = text;
    status.classList.toggle("app-save-status--problem", problem);
  };

  const fieldName = (element) => {
    const name = element && element.name;
    return name && !NOT_VALUES.has(name) && element.matches("input, textarea, select") ? name : null;
  };

  // A date is three boxes of one name (day, month, year): sent as a list.
  const valueOf = (name) => {
    const elements = Array.from(form.elements).filter((element) => element.name === name);
    return elements.length > 1 ? elements.map((element) => element.value) : elements[0].value;
  };

  async function send(name) {
    let kept = false;
    let message = CONNECTION;
    let retry = true;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ draft_key: draftKey, name, value: valueOf(name) }),
      });
      const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
      const body = isJson ? await response.json() : null;
      if (response.ok && body && body.saved) {
        kept = true;
      } else if (body && body.error) {
        message = `Not saved: ${body.error}`;
        retry = response.status >= 500;
      } else if (response.redirected) {
        message = SIGNED_OUT;
        retry = false;
      }
    } catch {
      // No answer at all: the connection. Tried again shortly.
    }
    if (kept) unsaved.delete(name);
    else unsaved.set(name, retry);
    return kept ? null : message;
  }

  async function flush() {
    timer = null;
    if (inFlight || submitting) return;
    let problem = null;
    while (waiting.size && !submitting) {
      const name = waiting.values().next().value;
      waiting.delete(name);
      show("Saving…");
      inFlight = send(name);
      problem = (await inFlight) || problem;
      inFlight = null;
    }
    if (submitting) return;
    if (unsaved.size) {
      show(problem || CONNECTION, true);
      if ([...unsaved.values()].some(Boolean)) schedule(RETRY_MS, true);
    } else {
      show("Saved");
    }
  }

  function schedule(delay, retrying = false) {
    if (retrying) {
      for (const [name, retry] of unsaved) if (retry) waiting.add(name);
    }
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  form.addEventListener("input", (event) => {
    const name = fieldName(event.target);
    if (!name) return;
    waiting.add(name);
    schedule(TYPING_PAUSE_MS);
  });
  form.addEventListener("change", (event) => {
    const name = fieldName(event.target);
    if (!name) return;
    waiting.add(name);
    schedule(0);
  });
  window.addEventListener("online", () => schedule(0, true));

  // A button posts the whole form, which keeps every change: let a save on its way land first, so the two
  // cannot cross (an item moved by the button must not receive a field meant for the item that was there).
  form.addEventListener("submit", async (event) => {
    if (submitting) return;
    clearTimeout(timer);
    if (!inFlight) {
      submitting = true;
      return;
    }
    event.preventDefault();
    const button = event.submitter;
    await inFlight;
    submitting = true;
    form.requestSubmit(button);
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !(waiting.size || inFlight || unsaved.size)) return;
    event.preventDefault();
    event.returnValue = "";
  });
}

const review = document.querySelector("[data-module='app-review'][data-save-url]");
if (review) startAutosave(review);
