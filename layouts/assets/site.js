// Site-wide behaviour: the "/" key focuses the header search box; on a page opened from disk, links to folders open
// their index.html. A classic script (module scripts do not run on file://).
(() => {
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

  if (location.protocol !== "file:") return;
  // Pages link to folders (`../topics/`), as a server serves them; a browser shows a folder on disk as a listing.
  const toIndex = (url) => {
    const u = new URL(url, location.href);
    if (u.protocol !== "file:" || !u.pathname.endsWith("/")) return null;
    u.pathname += "index.html";
    return u.href;
  };
  const fix = (element, attribute) => {
    const url = toIndex(element[attribute]);
    if (url) element[attribute] = url;
  };
  for (const a of document.querySelectorAll("a[href]")) fix(a, "href");
  for (const form of document.querySelectorAll("form[action]")) fix(form, "action");
  // A copy on disk is the download: the link to it (home page, --archive) points outside the unzipped folder.
  for (const element of document.querySelectorAll("[data-archive]")) element.hidden = true;
  // Firefox makes each file its own origin, and the pages' CSP (form-action 'self') then blocks a form sent to
  // another page: a search form opens its results page as a link would.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method !== "get") return;
    event.preventDefault();
    const url = new URL(form.action);
    url.search = new URLSearchParams(new FormData(form)).toString();
    location.href = url.href;
  });
  // Links added later (search results) are fixed as they are followed.
  const onFollow = (event) => {
    const a = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (a) fix(a, "href");
  };
  document.addEventListener("click", onFollow, true);
  document.addEventListener("auxclick", onFollow, true);
})();
