// Paper pages: the "Cite" box's copy buttons (shown only when this script runs; the text is selectable without it).
// Uses the Clipboard API where the page is a secure context, else a selection and execCommand("copy"). A classic
// script, so it also runs on a page opened from disk.
(() => {
  const status = document.getElementById("cite-status");

  /** Copies an element's text by selecting it (for http:// hosts, where navigator.clipboard is missing). */
  function copyBySelection(element) {
    const details = element.closest("details");
    if (details) details.open = true;
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    if (!selection) return false;
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy ?? "");
    if (!source) continue;
    const label = button.textContent;
    let timer = 0;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = (source.textContent ?? "").trim() + "\n";
      let ok = false;
      try {
        if (!navigator.clipboard) throw new Error("no Clipboard API");
        await navigator.clipboard.writeText(text);
        ok = true;
      } catch {
        ok = copyBySelection(source);
      }
      const message = ok ? button.dataset.copied ?? "Copied" : "Copying failed: select the text and copy it";
      if (status) status.textContent = message;
      button.textContent = ok ? "Copied" : label;
      clearTimeout(timer);
      timer = setTimeout(() => {
        button.textContent = label;
        if (status) status.textContent = "";
      }, 2500);
    });
  }
})();
