// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions (forms marked data-confirm).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Show only the registry field and pickers that fit the chosen organisation kind.
  const kindInputs = document.querySelectorAll("input[name='kind']");
  const sync = () => {
    const chosen = document.querySelector("input[name='kind']:checked");
    document.querySelectorAll("[data-kind]").forEach((el) => {
      el.hidden = chosen ? el.dataset.kind !== chosen.value : false;
    });
  };
  kindInputs.forEach((input) => input.addEventListener("change", sync));
  if (kindInputs.length) sync();
  // A table that scrolls sideways (on a phone) must be scrollable by keyboard too (WCAG 2.1.1):
  // make such a wrapper focusable, as a region named after the table's caption.
  const scrollable = () => {
    document.querySelectorAll(".table-wrap:not([tabindex])").forEach((wrap) => {
      if (wrap.scrollWidth <= wrap.clientWidth) return;
      wrap.tabIndex = 0;
      const caption = wrap.querySelector("caption");
      if (caption && caption.textContent.trim()) {
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption.textContent.trim());
      }
    });
  };
  scrollable();
  window.addEventListener("resize", scrollable);
  // Print buttons (printable reports: the monitor, the impact certificate).
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
