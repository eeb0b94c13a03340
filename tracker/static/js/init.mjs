import { initAll } from "../govuk-frontend.min.js";

// The classes GOV.UK Frontend's inline script would set; kept here so no inline script is needed.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
