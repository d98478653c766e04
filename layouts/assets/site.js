// Site-wide behaviour: the "/" key focuses the header search box.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const box = document.getElementById("search-q") ?? document.getElementById("site-search-q");
  if (box) {
    event.preventDefault();
    box.focus();
  }
});
