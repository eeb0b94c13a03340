// Inspections work without JavaScript; this module only makes three things quicker.
// 1. On the review page, "Split" splits at the cursor when the text has no new line to split at.
// 2. On the review page, the item being edited is found and marked in the report's text beside it.
// 3. The upload form refuses a file over the limit before sending it, so pasted text is never lost to a 413.

function rememberCaret(textarea) {
  const remember = () => {
    textarea.dataset.caret = String(textarea.selectionStart);
  };
  for (const name of ["keyup", "click", "select", "blur"]) textarea.addEventListener(name, remember);
}

// An item whose sub-items are on lines of their own splits at an empty line (the server's rule), so the split
// at the cursor is an empty line there.
function splitAtCaret(button) {
  const item = button.closest(".app-review-item");
  const textarea = item && item.querySelector("textarea");
  if (!textarea || /\n\s*\n/.test(textarea.value.trim())) return;
  const hasLines = /\n/.test(textarea.value.trim());
  const caret = Number(textarea.dataset.caret || "0");
  if (caret > 0 && caret < textarea.value.length) {
    const gap = hasLines ? "\n\n" : "\n";
    textarea.value = `${textarea.value.slice(0, caret).trimEnd()}${gap}${textarea.value.slice(caret).trimStart()}`;
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The whole item, or failing that its first words, allowing for the line wraps and spacing of the report's text.
function findInSource(sourceText, itemText) {
  const words = itemText.trim().split(/\s+/).filter(Boolean);
  for (const count of [words.length, 8, 5, 3]) {
    if (words.length < Math.min(count, 2)) continue;
    const pattern = new RegExp(words.slice(0, count).map(escapeRegExp).join("\\s+"), "i");
    const match = pattern.exec(sourceText);
    if (match) return { start: match.index, end: match.index + match[0].length };
  }
  return null;
}

function markInSource(source, original, itemText) {
  const found = findInSource(original, itemText);
  source.replaceChildren(document.createTextNode(original));
  if (!found) return;
  const mark = document.createElement("mark");
  mark.className = "app-source-text__mark";
  mark.textContent = original.slice(found.start, found.end);
  source.replaceChildren(
    document.createTextNode(original.slice(0, found.start)),
    mark,
    document.createTextNode(original.slice(found.end)),
  );
  source.scrollTop += mark.getBoundingClientRect().top - source.getBoundingClientRect().top - 40;
}

function showFileError(input, message) {
  const group = input.closest(".govuk-form-group");
  let error = group.querySelector(".govuk-error-message");
  if (!error) {
    error = document.createElement("p");
    error.className = "govuk-error-message";
    error.id = `${input.id}-error`;
    input.before(error);
    input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${error.id}`.trim());
  }
  error.innerHTML = '<span class="govuk-visually-hidden">Error:</span> ';
  error.append(message);
  group.classList.add("govuk-form-group--error");
  input.focus();
}

const review = document.querySelector("[data-module='app-review']");
if (review) {
  review.querySelectorAll(".app-review-item textarea").forEach(rememberCaret);
  const source = review.querySelector(".app-source-text");
  if (source) {
    const original = source.textContent;
    review.addEventListener("focusin", (event) => {
      const item = event.target.closest(".app-review-item");
      const textarea = item && item.querySelector("textarea");
      if (textarea && textarea.value.trim()) markInSource(source, original, textarea.value);
    });
  }
  review.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-app-op='split']");
    if (button) splitAtCaret(button);
  });
}

const upload = document.querySelector("[data-module='app-upload']");
if (upload) {
  upload.addEventListener("submit", (event) => {
    const input = upload.querySelector("input[type='file']");
    const file = input && input.files && input.files[0];
    if (file && file.size > Number(upload.dataset.maxBytes)) {
      event.preventDefault();
      showFileError(input, "The selected file must be smaller than 20MB");
    }
  });
}
