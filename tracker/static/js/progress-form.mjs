// The progress form suggests a RAG rating for the chosen status (the server works the suggestions
// out for every status and puts them on the form as data attributes). Until the person picks a
// rating themselves, the suggested one is selected for them.
export function initProgressForms(root = document) {
  for (const form of root.querySelectorAll("form.app-progress-form")) {
    const label = form.querySelector(".app-rag-suggestion");
    let ratingChosen = false;
    for (const radio of form.querySelectorAll("input[name=rag]")) {
      radio.addEventListener("change", () => { ratingChosen = true; });
    }
    for (const radio of form.querySelectorAll("input[name=status]")) {
      radio.addEventListener("change", () => {
        const key = radio.value.replaceAll("_", "-");
        const rag = form.dataset[camel(`suggest-${key}`)];
        if (label) label.textContent = form.dataset[camel(`suggest-label-${key}`)] || "";
        if (!ratingChosen && rag) {
          const target = form.querySelector(`input[name=rag][value="${rag}"]`);
          if (target) target.checked = true;
        }
      });
    }
  }
}

function camel(name) {
  return name.replace(/-([a-z])/g, (_match, letter) => letter.toUpperCase());
}

initProgressForms();
