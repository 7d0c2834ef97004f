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
      el.hidden = chosen ? !el.dataset.kind.split(" ").includes(chosen.value) : false;
      // What does not apply is not sent either (a hidden, ticked "online" would be refused).
      el.querySelectorAll("input, select, textarea").forEach((input) => {
        input.disabled = el.hidden;
      });
    });
  };
  kindInputs.forEach((input) => input.addEventListener("change", sync));
  if (kindInputs.length) sync();
  // Compact header menu on a phone: a "Menu" button folds the main menu (CSS decides the width).
  const toggle = document.querySelector(".menu-toggle");
  const nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (toggle && nav) {
    toggle.hidden = false;
    toggle.closest(".site-header").classList.add("has-menu-toggle");
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
  }
  // Responsive lists: on a phone every table row is a card; each cell shows its column name.
  document.querySelectorAll(".table-wrap table").forEach((table) => {
    const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.children).forEach((cell, i) => {
        if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
      });
    });
  });
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
