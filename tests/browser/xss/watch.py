"""A Chromium page instrumented to notice injected script: a marker function that records
calls, dialogs, requests that leave for another origin, navigations, CSP reports, and a
check of the rendered document (what user content may contain and where it may be drawn)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Request, Route

from fichive.lib.sanitize import ALLOWED_TAGS

# Set up before any of the page's own scripts: the marker the vectors call, and a listener
# for Content-Security-Policy violations (each one means something tried to run or load).
_INIT_SCRIPT = """
(() => {
  const report = (how, detail) => window.__xssReport(how, String(detail));
  Object.defineProperty(window, '__xss', {value: (id) => report('__xss', id)});
  document.addEventListener('securitypolicyviolation', (e) =>
    report('csp', `${e.violatedDirective} blocked ${e.blockedURI} (${e.sample})`));
})();
"""

# What the rendered document may hold. User content lives in `.userstuff` containers; the
# site's own markup is outside them.
_DOCUMENT_CHECK = """
({allowedTags, bare}) => {
  const problems = [];
  const allowed = new Set(allowedTags);
  const say = (el, what) => {
    const html = el.outerHTML.slice(0, 160);
    problems.push(`${what}: ${html}`);
  };
  // A URL is as dangerous as the scheme the browser reads in it (srcset: each candidate).
  const BAD_SCHEMES = ['javascript:', 'vbscript:', 'data:', 'livescript:', 'mocha:', 'blob:',
                       'filesystem:'];
  const safeUrl = (value) => {
    for (const candidate of value.split(',')) {
      try {
        const url = new URL(candidate.trim().split(/\\s+/)[0], document.baseURI);
        if (BAD_SCHEMES.includes(url.protocol)) return false;
      } catch (e) { /* not a URL at all: nothing to load */ }
    }
    return true;
  };
  const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data',
    'background', 'poster', 'cite', 'ping', 'dynsrc', 'lowsrc', 'srcset', 'srcdoc',
    'codebase', 'longdesc', 'manifest', 'icon'];
  const origin = location.origin;
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) say(el, `event handler ${name}`);
      if (URL_ATTRIBUTES.includes(name) && !safeUrl(attr.value)) say(el, `script URL in ${name}`);
      if (name === 'srcdoc') say(el, 'srcdoc');
      if (name.startsWith('hx-') || name.startsWith('data-hx-')) say(el, `htmx attribute ${name}`);
    }
    const tag = el.localName;
    if (['base', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal',
         'fencedframe', 'math', 'template', 'isindex'].includes(tag)) say(el, `<${tag}> element`);
    if (tag === 'meta' && el.hasAttribute('http-equiv')) say(el, 'meta http-equiv');
    if (tag === 'script' && (!el.src || new URL(el.src).origin !== origin || el.text.trim()))
      say(el, 'script that is not one of the site\\'s files');
    if (tag === 'link' && el.href && new URL(el.href, location.href).origin !== origin)
      say(el, 'link to another origin');
    if (tag === 'form' && new URL(el.action, location.href).origin !== origin)
      say(el, 'form posting to another origin');
    if (tag === 'svg' && el.closest('.userstuff')) say(el, 'svg in user content');
    if (tag === 'style' && el.id !== 'work-skin' && !(bare && el.parentElement === document.head))
      say(el, '<style> element');
  }
  const header = document.getElementById('header');
  // The innermost containers: a download wraps the site's own chapter headings and the
  // chapters' user content in one more .userstuff.
  const containers = [...document.querySelectorAll('.userstuff')]
    .filter((box) => !box.querySelector('.userstuff'));
  for (const box of containers) {
    for (const el of box.querySelectorAll('*')) {
      if (!allowed.has(el.localName)) say(el, `<${el.localName}> in user content`);
      if (el.hasAttribute('style')) say(el, 'style attribute in user content');
      if (el.id && el.closest('.userstuff') === box && el.parentElement && el !== box) {
        // ids in user content could clobber the site's own (#header, #workskin)
        if (!(el.localName === 'h3' && el.id === 'work')) say(el, `id ${el.id} in user content`);
      }
    }
  }
  // Where user content is drawn: inside its container, never over the site's header.
  for (const box of containers) {
    const outer = box.getBoundingClientRect();
    if (outer.width === 0 && outer.height === 0) continue;
    if (box.scrollWidth > box.clientWidth + 1)
      say(box, `content ${box.scrollWidth}px wide in a container ${box.clientWidth}px wide`);
    const clipped = new Set();  // inside an element that scrolls or clips: drawn in there
    for (const el of box.querySelectorAll('*')) {
      if (el.closest('.landmark')) continue;  // the site's own headings for screen readers
      const style = getComputedStyle(el);
      if (clipped.has(el.parentElement)) { clipped.add(el); continue; }
      if (style.overflowX !== 'visible' || style.overflowY !== 'visible') clipped.add(el);
      if (!['static', 'relative'].includes(style.position))
        say(el, `position ${style.position} in user content`);
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.top < outer.top - 1 || r.bottom > outer.bottom + 1
          || r.left < outer.left - 1 || r.right > outer.right + 1)
        say(el, `drawn outside its container (${Math.round(r.left)},${Math.round(r.top)},` +
                `${Math.round(r.right)},${Math.round(r.bottom)} not within ` +
                `${Math.round(outer.left)},${Math.round(outer.top)},${Math.round(outer.right)},` +
                `${Math.round(outer.bottom)})`);
    }
  }
  const skin = document.getElementById('workskin');
  if (skin && document.getElementById('work-skin')
      && getComputedStyle(skin).contain.indexOf('paint') < 0)
    say(skin, 'the work skin is not contained');
  if (header) {
    window.scrollTo(0, 0);
    const r = header.getBoundingClientRect();
    if (r.height < 5 || getComputedStyle(header).visibility !== 'visible')
      say(header, 'the site header is hidden');
    for (const fx of [0.1, 0.5, 0.9]) {
      const x = r.left + r.width * fx, y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (hit && !header.contains(hit)) say(hit, 'something is drawn over the site header');
    }
  } else if (!bare) {
    problems.push('the page has no #header');
  }
  return problems;
}
"""


@dataclass
class Watch:
    """One browser context and page, recording everything that would show an injection."""

    context: BrowserContext
    page: Page
    origin: str
    problems: list[str] = field(default_factory=list)
    foreign_images: list[str] = field(default_factory=list)
    pages: int = 0
    current: str = ""
    loaded: bool = False

    def _report(self, source: object, how: str, detail: str) -> None:
        self.problems.append(f"{self.current}: {how}({detail})")

    def _dialog(self, dialog: Dialog) -> None:
        self.problems.append(f"{self.current}: a {dialog.type} dialog opened: "
                             f"{dialog.message!r}")
        dialog.dismiss()

    def _route(self, route: Route, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about") or f"{parts.scheme}://{parts.netloc}" \
                == self.origin:
            route.continue_()
            return
        if request.resource_type == "image":
            self.foreign_images.append(request.url)
        else:
            self.problems.append(f"{self.current}: a {request.resource_type} request left "
                                 f"for {request.url}")
        route.abort()

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and self.loaded and frame.url != self.current:
            self.problems.append(f"{self.current}: the page went on to {frame.url}")

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(f"{self.current}: {message.text}")

    def visit(self, path: str, *, bare: bool = False, shows: str | None = None) -> None:
        """Open `path` on the live server, let it settle, and check what it rendered; `bare`
        for a document without the site's layout (a feed, a downloaded file); `shows`, text
        the page must hold (so that a page that lost its content can't pass)."""
        self.current, self.loaded = path, False
        response = self.page.goto(path, wait_until="load")
        self.current, self.loaded = self.page.url, True
        if response is not None and response.status >= 500:
            self.problems.append(f"{self.current}: answered {response.status}")
        if response is not None and not response.headers.get("content-type", "").startswith(
                "text/html"):
            bare = True  # a feed, or a plain-text refusal
        self.page.wait_for_timeout(30)  # timers set to 0 by an injected script fire first
        if shows is not None and shows not in self.page.evaluate(
                "document.body.textContent"):
            self.problems.append(f"{self.current}: {shows!r} is not on the page")
        self.check(bare=bare)

    def show(self, html: bytes, *, at: str) -> None:
        """Render `html` (a downloaded file, which has no site header) as if the archive
        served it at `at`."""
        self.page.route(f"{self.origin}{at}", lambda route: route.fulfill(
            status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8"}))
        self.visit(at, bare=True)

    def check(self, *, bare: bool = False) -> None:
        self.pages += 1
        found = self.page.evaluate(_DOCUMENT_CHECK,
                                   {"allowedTags": sorted(ALLOWED_TAGS), "bare": bare})
        self.problems.extend(f"{self.current}: {problem}" for problem in found)


def watch(browser: Browser, base_url: str, *, storage_state: dict | None = None) -> Watch:
    """A new context on `base_url` with every listener in place (a logged-in one when given
    the storage state of a logged-in context)."""
    context = browser.new_context(base_url=base_url, storage_state=storage_state)
    context.set_default_timeout(30_000)
    page = context.new_page()
    watcher = Watch(context=context, page=page, origin=base_url.rstrip("/"))
    page.expose_binding("__xssReport", watcher._report)
    context.add_init_script(_INIT_SCRIPT)
    context.route("**/*", watcher._route)
    page.on("dialog", watcher._dialog)
    page.on("framenavigated", watcher._navigated)
    page.on("console", watcher._console)
    return watcher
