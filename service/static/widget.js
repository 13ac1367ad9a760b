/*!
 * Cited chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-api="https://HOST"
 *           data-title="Ask our care team's library" data-accent="#0a7" async></script>
 * Optional: data-theme="light|dark" (default follows the device), data-suggestions="Q1|Q2|Q3".
 *
 * Ground rules, each a reason for how this file is written:
 * - Everything renders inside a Shadow DOM, so the page's CSS cannot reach in and ours cannot leak out.
 * - No framework, no build step, no dependency: a clinic pastes one tag and nothing else is loaded.
 * - The only requests go to data-api (no fonts, no analytics, no trackers, no referrer sent).
 * - Server text is only ever set as text nodes; citations are built as elements. innerHTML is never used.
 */
(() => {
  "use strict";

  const script = document.currentScript
    || document.querySelector('script[data-api][src*="widget.js"]');
  // Loaded twice (e.g. by a tag manager and by hand): keep the first widget only.
  if (!script || document.querySelector("cited-widget")) return;

  const MAX_CHARS = 1000;
  const STREAM_TIMEOUT_MS = 60000;
  const MAX_STORED_MESSAGES = 60;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const DEFAULT_SUGGESTIONS = [
    "How does oral ketamine work?",
    "What does a session feel like?",
    "What side effects are common?",
    "How do I prepare for an at-home session?",
  ];
  const FEEDBACK_REASONS = [
    ["not_relevant", "Not relevant"], ["incomplete", "Incomplete"], ["hard_to_understand", "Hard to understand"],
    ["wrong_source", "Wrong source"], ["other", "Something else"],
  ];
  // Headings for refusals, by the server's category: the server's text gives the reason and how to reach
  // the care team in full; the heading says at a glance where the question belongs, not that it failed.
  const REFUSAL_HEADINGS = {
    dosing: "Dosing questions go to your care team",
    personal_medical_advice: "This question is for your care team",
  };

  const config = readConfig(script);
  if (!config) return;

  /* ------------------------------------------------------------------ config and colour */

  function readConfig(el) {
    const data = el.dataset;
    let api;
    try {
      api = new URL(data.api || new URL(el.src, location.href).origin, location.href);
    } catch {
      return null;
    }
    if (api.protocol !== "https:" && api.protocol !== "http:") return null;
    const suggestions = (data.suggestions || "").split("|").map((s) => s.trim()).filter(Boolean);
    return {
      api: api.href.replace(/\/+$/, ""),
      title: (data.title || "Ask our care team's library").slice(0, 80),
      accent: parseHex(data.accent || "") || parseHex("#0a7a5c"),
      theme: data.theme === "dark" || data.theme === "light" ? data.theme : "auto",
      suggestions: suggestions.length ? suggestions.slice(0, 6) : DEFAULT_SUGGESTIONS,
    };
  }

  function parseHex(value) {
    const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
    if (!m) return null;
    const hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }

  function toHex(rgb) {
    return "#" + rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
  }

  // WCAG 2.1 relative luminance and contrast ratio.
  function luminance(rgb) {
    const [r, g, b] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }

  function mix(rgb, target, t) {
    return rgb.map((c, i) => c + (target[i] - c) * t);
  }

  // Move the colour toward `target` in small steps until it reaches `ratio` against `against`.
  function adjustUntil(rgb, target, against, ratio) {
    for (let t = 0; t <= 1; t += 0.02) {
      const c = mix(rgb, target, t).map(Math.round);
      if (contrast(c, against) >= ratio) return c;
    }
    return target.slice();
  }

  // The clinic's accent, made safe: darkened until white text on it reaches 4.5:1 (which also makes it
  // readable as text on white), and a lightened twin for text on the dark theme's surfaces.
  function accentPalette(accent) {
    const white = [255, 255, 255];
    const solid = adjustUntil(accent, [0, 0, 0], white, 4.6);
    const inkDark = adjustUntil(accent, white, [28, 32, 37], 4.6);
    return { solid: toHex(solid), soft: toHex(mix(solid, white, 0.9)), softDark: toHex(mix(solid, [22, 25, 29], 0.75)),
      inkDark: toHex(inkDark) };
  }

  /* ------------------------------------------------------------------ DOM helpers (no innerHTML) */

  // h("button", {class: "x", type: "button", on: {click}}, "text", node): strings become text nodes.
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
      else if (key === "text") el.textContent = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  const ICONS = {
    chat: "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.6.5-1.3.1-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z",
    close: "M6 6l12 12M18 6L6 18",
    clear: "M4 7h16M9 7V4.5h6V7m-8.5 0 1 12.5h9l1-12.5",
    send: "M4 12l16-8-6 16-2.5-6.5z",
    up: "M7 11v9H4v-9zm0 0 4-7c1.5 0 2.5 1 2.2 2.6L12.6 10H18a2 2 0 0 1 2 2.3l-1.1 6A2 2 0 0 1 17 20H7",
    down: "M7 13V4H4v9zm0 0 4 7c1.5 0 2.5-1 2.2-2.6L12.6 14H18a2 2 0 0 0 2-2.3l-1.1-6A2 2 0 0 0 17 4H7",
    phone: "M6.6 3.5 9 3l1.5 4-2 1.4a11 11 0 0 0 7.1 7.1L17 13.5l4 1.5-.5 2.4A2.5 2.5 0 0 1 18 19.5 15.5 15.5 0 0 1 4.5 6 2.5 2.5 0 0 1 6.6 3.5z",
    text: "M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v7a2.5 2.5 0 0 1-2.5 2.5H9l-5 4zM8 9h8M8 12.5h5",
    link: "M14 4h6v6m0-6-9 9M18 14v4.5A1.5 1.5 0 0 1 16.5 20h-11A1.5 1.5 0 0 1 4 18.5v-11A1.5 1.5 0 0 1 5.5 6H10",
    info: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zm0-10v6m0-9.5v.5",
    heart: "M12 20s-7.5-4.6-7.5-10A4.2 4.2 0 0 1 12 7.4 4.2 4.2 0 0 1 19.5 10c0 5.4-7.5 10-7.5 10z",
    book: "M4 5.5C4 4.7 4.7 4 5.5 4H11v16H5.5A1.5 1.5 0 0 1 4 18.5zM20 5.5c0-.8-.7-1.5-1.5-1.5H13v16h5.5a1.5 1.5 0 0 0 1.5-1.5z",
  };

  function icon(name) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "icon");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  function srOnly(text) {
    return h("span", { class: "sr-only" }, text);
  }

  // Only http(s) links from the server become hrefs: a "javascript:" URL in a document's metadata
  // must never become a clickable link.
  function safeHttpUrl(value) {
    try {
      const url = new URL(String(value || ""));
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* ------------------------------------------------------------------ styles */

  const CSS = `
:host { all: initial; }
*, *::before, *::after { box-sizing: border-box; }
.cw {
  --surface: #ffffff; --surface-2: #f3f5f6; --text: #1b2227; --muted: #4e5a63; --border: #d5dbe0;
  --focus: #1a56db; --shadow: 0 12px 40px rgba(16, 24, 32, .18), 0 2px 8px rgba(16, 24, 32, .08);
  --refuse-bg: #fdf7ea; --refuse-border: #d9a441; --refuse-ink: #6b4500;
  --crisis-bg: #fff1f3; --crisis-border: #c0123c; --crisis-ink: #8a0c2b; --crisis-btn: #b3103a; --urgent-btn: #7a0b23;
  --accent-ink: var(--accent); --accent-soft: var(--accent-soft-light);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text); -webkit-font-smoothing: antialiased; text-align: left; letter-spacing: normal;
}
@media (prefers-color-scheme: dark) {
  .cw:not([data-theme="light"]) {
    --surface: #16191d; --surface-2: #23282e; --text: #e9edf0; --muted: #aeb8c0; --border: #3a424b;
    --focus: #8ab4ff; --shadow: 0 12px 40px rgba(0, 0, 0, .55);
    --refuse-bg: #2a2415; --refuse-border: #b88a2e; --refuse-ink: #f4d89c;
    --crisis-bg: #2e1118; --crisis-border: #ff6b8a; --crisis-ink: #ffc9d4; --crisis-btn: #b3103a; --urgent-btn: #7a0b23;
    --accent-ink: var(--accent-ink-dark); --accent-soft: var(--accent-soft-dark);
  }
}
.cw[data-theme="dark"] {
  --surface: #16191d; --surface-2: #23282e; --text: #e9edf0; --muted: #aeb8c0; --border: #3a424b;
  --focus: #8ab4ff; --shadow: 0 12px 40px rgba(0, 0, 0, .55);
  --refuse-bg: #2a2415; --refuse-border: #b88a2e; --refuse-ink: #f4d89c;
  --crisis-bg: #2e1118; --crisis-border: #ff6b8a; --crisis-ink: #ffc9d4; --crisis-btn: #b3103a; --urgent-btn: #7a0b23;
  --accent-ink: var(--accent-ink-dark); --accent-soft: var(--accent-soft-dark);
}
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.icon { width: 20px; height: 20px; flex: none; fill: none; stroke: currentColor; stroke-width: 1.8;
  stroke-linecap: round; stroke-linejoin: round; }
button, a, textarea { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
a { color: var(--accent-ink); text-underline-offset: 2px; }

.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 10px; min-height: 52px; padding: 0 20px 0 16px;
  border: 0; border-radius: 999px; background: var(--accent); color: #fff; font-weight: 600; font-size: 15px;
  box-shadow: var(--shadow);
}
.launcher .icon { width: 22px; height: 22px; }
.launcher:hover { filter: brightness(1.08); }

.panel {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483001;
  width: min(400px, calc(100vw - 32px)); height: min(720px, calc(100vh - 112px));
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--surface); border: 1px solid var(--border); border-radius: 16px; box-shadow: var(--shadow);
  animation: cw-in .18s ease-out;
}
.panel[hidden] { display: none; }
@keyframes cw-in { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }

.head { display: flex; align-items: flex-start; gap: 8px; padding: 14px 10px 12px 16px;
  background: var(--accent); color: #fff; }
.head-text { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 16px; line-height: 1.3; font-weight: 650; }
.subtitle { margin: 2px 0 0; font-size: 13px; line-height: 1.35; }
.icon-btn { display: inline-grid; place-items: center; width: 40px; height: 40px; flex: none;
  border: 0; border-radius: 10px; background: transparent; color: inherit; }
.icon-btn:hover { background: rgba(255, 255, 255, .16); }
.head :focus-visible { outline-color: #fff; }

.note { display: flex; gap: 8px; margin: 0; padding: 9px 16px; font-size: 13px; line-height: 1.4;
  color: var(--muted); background: var(--surface-2); border-bottom: 1px solid var(--border); }
.note .icon { width: 16px; height: 16px; margin-top: 1px; }
.note a { color: inherit; font-weight: 600; }

.messages { position: relative; flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 14px;
  overscroll-behavior: contain; }
.welcome { padding: 4px 2px; }
.welcome p { margin: 0 0 10px; }
.welcome .lead { font-size: 16px; font-weight: 600; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 6px; }
.chip { border: 1px solid var(--border); background: var(--surface); color: var(--accent-ink);
  border-radius: 16px; padding: 6px 12px; font-size: 14px; line-height: 1.3; text-align: left; }
.chip:hover { background: var(--surface-2); }

.msg { max-width: 100%; overflow-wrap: anywhere; }
.msg p { margin: 0; }
.user { align-self: flex-end; max-width: 85%; padding: 9px 13px; border-radius: 16px 16px 4px 16px;
  background: var(--accent); color: #fff; white-space: pre-wrap; }
.bot { align-self: stretch; padding: 12px 14px; border-radius: 4px 16px 16px 16px; background: var(--surface-2); }
.kicker { display: flex; align-items: center; gap: 6px; margin: 0 0 6px !important; font-size: 13px;
  font-weight: 650; color: var(--muted); }
.kicker .icon { width: 16px; height: 16px; }
.answer-text { white-space: pre-wrap; }
.answer-text .line + .line { margin-top: 6px; }
.typing { display: inline-flex; gap: 4px; padding: 4px 0; }
.typing span { width: 7px; height: 7px; border-radius: 50%; background: var(--muted); animation: cw-dot 1.2s infinite; }
.typing span:nth-child(2) { animation-delay: .15s; } .typing span:nth-child(3) { animation-delay: .3s; }
@keyframes cw-dot { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
.streaming .line:last-child .line-text::after, .streaming .server-text::after {
  content: ""; display: inline-block; width: 2px; height: 1em; margin-left: 2px;
  vertical-align: -2px; background: var(--muted); animation: cw-blink 1s steps(2) infinite; }
@keyframes cw-blink { 50% { opacity: 0; } }

.cite { display: inline-grid; place-items: center; min-width: 24px; height: 22px; margin: 0 1px; padding: 0 6px;
  border: 1px solid var(--accent-ink); border-radius: 6px; background: var(--surface); color: var(--accent-ink);
  font-size: 12px; font-weight: 700; line-height: 1; vertical-align: 1px; }
.cite[aria-expanded="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
.cite-pending { color: var(--muted); font-size: 12px; }
.cards { display: flex; flex-direction: column; gap: 8px; }
.cards:not(:empty) { margin: 8px 0 10px; }
.card { border: 1px solid var(--border); border-left: 4px solid var(--accent); border-radius: 8px;
  background: var(--surface); padding: 10px 12px; font-size: 14px; }
.card-title { display: flex; gap: 8px; align-items: baseline; margin: 0 0 2px; font-size: 14px; font-weight: 650; }
.badge { flex: none; display: inline-grid; place-items: center; min-width: 20px; height: 20px; border-radius: 5px;
  background: var(--accent); color: #fff; font-size: 12px; font-weight: 700; }
.card-meta { margin: 0 0 8px !important; color: var(--muted); font-size: 13px; }
.card blockquote { margin: 0 0 8px; padding: 0; color: var(--text); white-space: pre-wrap; }
.card mark { background: var(--accent-soft); color: var(--text); padding: 1px 2px; border-radius: 3px;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.card a { display: inline-flex; align-items: center; gap: 4px; font-weight: 600; }
.card a .icon { width: 15px; height: 15px; }

.sources { display: flex; gap: 6px; margin-top: 10px; padding-top: 8px; border-top: 1px solid var(--border);
  font-size: 13px; color: var(--muted); }
.sources .icon { width: 16px; height: 16px; margin-top: 1px; }
.sources ul { margin: 0; padding: 0; list-style: none; }
.sources li + li { margin-top: 2px; }
.src-label { font-weight: 650; }
.src-title { color: var(--text); }

.feedback { display: flex; align-items: center; flex-wrap: wrap; gap: 4px; margin-top: 8px; font-size: 13px; color: var(--muted); }
.feedback .label { margin-right: 4px; }
.thumb { display: inline-grid; place-items: center; width: 36px; height: 36px; border: 1px solid transparent;
  border-radius: 8px; background: transparent; color: var(--muted); }
.thumb:hover { background: var(--surface); border-color: var(--border); }
.thumb[aria-pressed="true"] { color: var(--accent-ink); border-color: var(--accent-ink); background: var(--surface); }
.thumb .icon { width: 18px; height: 18px; }
.reasons { display: flex; flex-wrap: wrap; gap: 6px; width: 100%; margin-top: 4px; }
.reasons .chip { font-size: 13px; padding: 4px 10px; }
.thanks { width: 100%; }

.refused { background: var(--refuse-bg); border-left: 4px solid var(--refuse-border); border-radius: 4px 16px 16px 16px; }
.refused .kicker { color: var(--refuse-ink); }
.care { margin-top: 10px !important; font-size: 14px; color: var(--muted); }

.crisis { align-self: stretch; padding: 14px; border: 2px solid var(--crisis-border); border-radius: 14px;
  background: var(--crisis-bg); }
.crisis h3 { display: flex; align-items: center; gap: 8px; margin: 0 0 8px; font-size: 17px; line-height: 1.3;
  color: var(--crisis-ink); }
.crisis h3 .icon { width: 22px; height: 22px; }
.crisis .server-text { white-space: pre-wrap; }
.actions { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin: 12px 0; }
.action { display: flex; align-items: center; justify-content: center; gap: 8px; min-height: 48px; padding: 8px 10px;
  border-radius: 10px; background: var(--crisis-btn); color: #fff !important; font-weight: 700; font-size: 15px;
  text-decoration: none; text-align: center; line-height: 1.2; }
.action:hover { filter: brightness(1.1); }
.action.urgent { background: var(--urgent-btn); }
.action.secondary { background: var(--surface); color: var(--crisis-ink) !important; border: 2px solid var(--crisis-btn); }
.crisis .fine { margin: 10px 0 0; font-size: 13px; color: var(--text); }
.server-text a { color: inherit; font-weight: 600; white-space: nowrap; }

.error { align-self: stretch; padding: 10px 12px; border-radius: 10px; border: 1px solid var(--border);
  background: var(--surface); color: var(--text); font-size: 14px; }
.error button { margin-top: 6px; }

.composer { border-top: 1px solid var(--border); padding: 10px 12px 12px; background: var(--surface); }
.input-wrap { display: flex; align-items: flex-end; gap: 8px; }
textarea { flex: 1; min-height: 44px; max-height: 140px; resize: none; padding: 10px 12px; border: 1px solid var(--muted);
  border-radius: 12px; background: var(--surface); color: var(--text); font-size: 16px; line-height: 1.4; }
textarea::placeholder { color: var(--muted); opacity: 1; }
textarea:focus-visible { outline-offset: 0; }
.send { display: inline-grid; place-items: center; width: 44px; height: 44px; flex: none; border: 0; border-radius: 12px;
  background: var(--accent); color: #fff; }
.send[aria-disabled="true"] { opacity: .55; cursor: not-allowed; }
.meta-row { display: flex; justify-content: space-between; gap: 8px; margin-top: 6px; font-size: 12px; color: var(--muted); }
.counter.near { color: var(--refuse-ink); font-weight: 600; }
.text-btn { border: 0; background: none; padding: 2px 0; color: var(--accent-ink); font-weight: 600; font-size: 14px;
  text-decoration: underline; text-underline-offset: 2px; }

@media (max-width: 480px) {
  .panel { inset: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; border: 0; }
  .launcher { right: 12px; bottom: 12px; }
  .cw.is-open .launcher { display: none; }
}
@media (max-width: 359px) {
  .subtitle, .hint { display: none; }
  .meta-row { justify-content: flex-end; }
  .actions { grid-template-columns: 1fr; }
  .messages { padding: 12px; }
}
/* Keyboard hints mean nothing on a touch screen. */
@media (hover: none) and (pointer: coarse) { .hint { visibility: hidden; } }
@media (prefers-reduced-motion: reduce) {
  .panel, .typing span, .streaming .line:last-child .line-text::after, .streaming .server-text::after {
    animation: none;
  }
  .messages { scroll-behavior: auto; }
}
@media (forced-colors: active) {
  .launcher, .send, .action, .cite, .badge, .user { border: 1px solid CanvasText; }
}
`;

  /* ------------------------------------------------------------------ state and storage */

  const STORE_KEY = "cited-widget:" + config.api;

  // The conversation lives only in this tab (sessionStorage): it is gone when the tab closes,
  // and the clear button removes it at once.
  function loadState() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && typeof saved.conversationId === "string" && Array.isArray(saved.messages)) {
        return { conversationId: saved.conversationId, messages: saved.messages.filter(isStoredMessage) };
      }
    } catch {
      /* storage disabled or corrupt: start fresh */
    }
    return { conversationId: randomId(), messages: [] };
  }

  function isStoredMessage(m) {
    return m && typeof m === "object" && (m.role === "user" || m.role === "assistant") && typeof m.text === "string";
  }

  function saveState() {
    const messages = state.messages.filter((m) => !m.streaming && m.role !== "error").slice(-MAX_STORED_MESSAGES);
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify({ conversationId: state.conversationId, messages }));
    } catch {
      /* quota or privacy mode: the conversation still works, it just won't survive a reload */
    }
  }

  const state = { ...loadState(), open: false, busy: false, controller: null, seq: 0 };

  /* ------------------------------------------------------------------ building the UI */

  const host = document.createElement("cited-widget");
  // Inline !important beats any page rule aimed at our host (e.g. "* { display: none }" or transforms
  // that would break position: fixed); CSSOM calls are also allowed under a strict CSP.
  host.style.setProperty("all", "initial", "important");
  host.style.setProperty("display", "block", "important");
  const root = host.attachShadow({ mode: "open" });
  adoptStyles(root, CSS);

  const palette = accentPalette(config.accent);
  const ui = buildUi();
  root.append(ui.wrap);
  mount();

  function adoptStyles(shadow, css) {
    // Constructable stylesheets need no inline <style>, so strict CSPs keep working where supported.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      shadow.append(h("style", { text: css }));
    }
  }

  function mount() {
    if (document.body) document.body.append(host);
    else document.addEventListener("DOMContentLoaded", () => document.body.append(host), { once: true });
  }

  function buildUi() {
    const wrap = h("div", { class: "cw", "data-theme": config.theme });
    wrap.style.setProperty("--accent", palette.solid);
    wrap.style.setProperty("--accent-soft-light", palette.soft);
    wrap.style.setProperty("--accent-soft-dark", palette.softDark);
    wrap.style.setProperty("--accent-ink-dark", palette.inkDark);

    const launcher = h("button", {
      class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "cw-panel",
      "aria-haspopup": "dialog", on: { click: () => (state.open ? closePanel() : openPanel()) },
    }, icon("chat"), h("span", { text: "Ask a question" }));

    const live = h("div", { class: "sr-only", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    const alertLive = h("div", { class: "sr-only", role: "alert", "aria-atomic": "true" });
    const messages = h("div", { class: "messages", id: "cw-messages", tabindex: "-1", "aria-busy": "false",
      role: "region", "aria-label": "Conversation" });
    const composer = buildComposer();

    const panel = h("section", {
      class: "panel", id: "cw-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "cw-title",
      "aria-describedby": "cw-note", hidden: true, on: { keydown: onPanelKeydown },
    },
    h("header", { class: "head" },
      h("div", { class: "head-text" },
        h("h2", { class: "title", id: "cw-title", text: config.title }),
        h("p", { class: "subtitle", text: "Answers quoted from the clinic's approved patient materials" })),
      h("button", { class: "icon-btn", type: "button", "aria-label": "Clear conversation", title: "Clear conversation",
        on: { click: clearConversation } }, icon("clear")),
      h("button", { class: "icon-btn", type: "button", "aria-label": "Close", title: "Close",
        on: { click: closePanel } }, icon("close"))),
    h("p", { class: "note", id: "cw-note" }, icon("info"), h("span", {},
      "Educational information from the clinic's approved materials, not medical advice. In an emergency call ",
      h("a", { href: "tel:911", text: "911" }), " or ", h("a", { href: "tel:988", text: "988" }), ".")),
    messages, composer.form);

    append(wrap, [launcher, panel, live, alertLive]);
    return { wrap, launcher, panel, messages, live, alertLive, ...composer };
  }

  function buildComposer() {
    const input = h("textarea", {
      id: "cw-input", rows: "1", maxlength: String(MAX_CHARS), "aria-describedby": "cw-counter cw-hint",
      placeholder: "Type your question", autocomplete: "off",
      on: { input: onInput, keydown: onInputKeydown },
    });
    const counterText = h("span", { "aria-hidden": "true", text: `0/${MAX_CHARS}` });
    const counterSr = srOnly(`0 of ${MAX_CHARS} characters used`);
    const counter = h("span", { class: "counter", id: "cw-counter" }, counterText, counterSr);
    const send = h("button", { class: "send", type: "submit", "aria-label": "Send question", title: "Send" },
      icon("send"));
    const form = h("form", { class: "composer", novalidate: true, on: { submit: onSubmit } },
      h("label", { class: "sr-only", for: "cw-input", text: "Your question" }),
      h("div", { class: "input-wrap" }, input, send),
      h("div", { class: "meta-row" },
        h("span", { class: "hint", id: "cw-hint", text: "Enter to send · Shift+Enter for a new line" }), counter));
    return { form, input, send, counter, counterText, counterSr };
  }

  /* ------------------------------------------------------------------ open, close, focus */

  function openPanel() {
    state.open = true;
    ui.panel.hidden = false;
    ui.wrap.classList.add("is-open");
    ui.launcher.setAttribute("aria-expanded", "true");
    syncModal();
    scrollToEnd();
    // Focus goes to the question box: that is what the patient opened the panel for.
    ui.input.focus({ preventScroll: true });
  }

  function closePanel() {
    state.open = false;
    ui.panel.hidden = true;
    ui.wrap.classList.remove("is-open");
    ui.launcher.setAttribute("aria-expanded", "false");
    // Back to the control that opened it, so keyboard and screen reader users keep their place.
    ui.launcher.focus();
  }

  const narrow = window.matchMedia("(max-width: 480px)");
  narrow.addEventListener?.("change", syncModal);

  // On a phone the panel covers the page, so it behaves as a modal dialog (focus stays inside).
  function syncModal() {
    ui.panel.setAttribute("aria-modal", narrow.matches ? "true" : "false");
  }

  function onPanelKeydown(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel();
    } else if (event.key === "Tab" && narrow.matches) {
      trapFocus(event);
    }
  }

  function trapFocus(event) {
    const items = [...ui.panel.querySelectorAll("button, a[href], textarea")].filter((el) => el.offsetParent !== null);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = root.activeElement;
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function announce(text, urgent) {
    const region = urgent ? ui.alertLive : ui.live;
    // Clear first so the same words twice in a row are still announced.
    region.textContent = "";
    setTimeout(() => { region.textContent = text; }, 60);
  }

  function isNearBottom() {
    const el = ui.messages;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  function scrollToEnd() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  // A finished reply is shown from its start when it does not fit (a long answer, or crisis help whose
  // heading must not be scrolled away); otherwise the conversation simply stays scrolled to the end.
  function revealReply(msg) {
    const box = ui.messages;
    const node = msg.node;
    if (msg.outcome === "crisis" || node.offsetHeight > box.clientHeight - 24) {
      box.scrollTop = node.offsetTop - 12; // .messages is positioned, so offsetTop is within it
    } else {
      scrollToEnd();
    }
  }

  function reducedMotion() {
    return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  /* ------------------------------------------------------------------ composer */

  function onInput() {
    const n = ui.input.value.length;
    ui.counterText.textContent = `${n}/${MAX_CHARS}`;
    ui.counterSr.textContent = `${n} of ${MAX_CHARS} characters used`;
    ui.counter.classList.toggle("near", n >= MAX_CHARS * 0.9);
    if (n === MAX_CHARS) announce(`Character limit of ${MAX_CHARS} reached.`);
    autosize();
  }

  function autosize() {
    ui.input.style.height = "auto";
    ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 140) + "px";
  }

  function onInputKeydown(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.form.requestSubmit();
    }
  }

  function onSubmit(event) {
    event.preventDefault();
    const question = ui.input.value.trim();
    if (!question || state.busy) return;
    ui.input.value = "";
    onInput();
    ask(question);
  }

  function setBusy(busy) {
    state.busy = busy;
    // aria-disabled (not disabled) keeps the button focusable, so focus is never lost mid-answer.
    ui.send.setAttribute("aria-disabled", busy ? "true" : "false");
    ui.messages.setAttribute("aria-busy", busy ? "true" : "false");
  }

  /* ------------------------------------------------------------------ asking and streaming */

  async function ask(question) {
    if (!state.open) openPanel();
    const user = addMessage({ role: "user", text: question });
    const reply = addMessage({ role: "assistant", outcome: null, category: null, text: "", citations: [],
      requestId: null, rating: null, streaming: true });
    saveState();
    setBusy(true);
    const controller = new AbortController();
    state.controller = controller;
    const timer = setTimeout(() => controller.abort(), STREAM_TIMEOUT_MS);
    try {
      const res = await fetch(config.api + "/v1/ask/stream", {
        method: "POST", mode: "cors", credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ question, conversation_id: state.conversationId }), signal: controller.signal,
      });
      if (!res.ok) throw await apiFailure(res);
      let finished = false;
      for await (const ev of readEvents(res.body)) finished = applyEvent(reply, ev) || finished;
      if (!finished) throw new Failure("interrupted");
      finishReply(reply);
    } catch (err) {
      if (!state.messages.includes(reply)) return; // cleared while streaming: nothing to show
      removeMessage(reply);
      showError(err instanceof Failure ? err : new Failure(controller.signal.aborted ? "timeout" : "network"), user);
    } finally {
      clearTimeout(timer);
      // Only the current request may end the busy state (a cleared one must not end its successor's).
      if (state.controller === controller) {
        state.controller = null;
        setBusy(false);
      }
    }
  }

  class Failure extends Error {
    constructor(kind, status, retryAfter, message) {
      super(kind);
      Object.assign(this, { kind, status, retryAfter, serverMessage: message });
    }
  }

  async function apiFailure(res) {
    let message = "";
    try {
      message = String((await res.json())?.error?.message || "");
    } catch {
      /* not JSON: the status is enough */
    }
    const kinds = { 422: "invalid", 429: "rate_limited", 503: "unavailable" };
    return new Failure(kinds[res.status] || "server", res.status, Number(res.headers.get("Retry-After")) || 0, message);
  }

  // Server-Sent Events over fetch (EventSource cannot POST): blocks separated by a blank line,
  // "event:" and "data:" lines; a block may arrive split across network chunks.
  async function* readEvents(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      buffer = buffer.replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const ev = parseEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (ev) yield ev;
      }
      if (done) return;
    }
  }

  function parseEvent(block) {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (!data.length) return null;
    try {
      return { name, data: JSON.parse(data.join("\n")) };
    } catch {
      return null;
    }
  }

  // Returns true once the final "done" event has been applied.
  function applyEvent(msg, ev) {
    const stick = isNearBottom();
    if (ev.name === "meta") {
      Object.assign(msg, { outcome: ev.data.outcome, category: ev.data.category || null,
        requestId: ev.data.request_id });
    } else if (ev.name === "delta") {
      msg.text += String(ev.data.text || "");
    } else if (ev.name === "citations") {
      msg.citations = Array.isArray(ev.data) ? ev.data : [];
    } else if (ev.name === "done") {
      // The final Answer is authoritative: it replaces whatever the pieces added up to.
      Object.assign(msg, { outcome: ev.data.outcome, category: ev.data.category || null,
        text: String(ev.data.answer || ""), citations: Array.isArray(ev.data.citations) ? ev.data.citations : [],
        requestId: ev.data.request_id, streaming: false });
    } else {
      return false;
    }
    renderMessage(msg);
    if (stick) scrollToEnd();
    return ev.name === "done";
  }

  function finishReply(msg) {
    msg.streaming = false;
    renderMessage(msg);
    saveState();
    revealReply(msg);
    if (msg.outcome === "crisis") {
      announce(`${crisisHeading(msg.category)}. ${msg.text} Call or text 988, or call 911 in an emergency.`, true);
    } else if (msg.outcome === "answered") {
      const n = msg.citations.length;
      const sources = `${n} source${n === 1 ? "" : "s"}; use the numbered buttons to read them.`;
      announce(`Answer: ${plainAnswer(msg.text)} ${sources}`);
    } else {
      announce(msg.text);
    }
  }

  function plainAnswer(text) {
    return text.replace(/\s*\[\d+\]/g, "");
  }

  /* ------------------------------------------------------------------ messages */

  function addMessage(data) {
    const msg = { ...data, id: `m${++state.seq}` };
    state.messages.push(msg);
    renderMessage(msg);
    scrollToEnd();
    return msg;
  }

  function removeMessage(msg) {
    state.messages = state.messages.filter((m) => m !== msg);
    msg.node?.remove();
  }

  function renderMessage(msg) {
    const node = buildMessage(msg);
    if (msg.node?.isConnected) msg.node.replaceWith(node);
    else ui.messages.append(node);
    Object.defineProperty(msg, "node", { value: node, writable: true, enumerable: false, configurable: true });
    ui.welcome?.remove();
  }

  function buildMessage(msg) {
    if (msg.role === "user") {
      return h("div", { class: "msg user" }, srOnly("You asked: "), msg.text);
    }
    if (msg.role === "error") return buildError(msg);
    if (!msg.outcome) {
      return h("div", { class: "msg bot", "aria-label": "Looking up an answer" },
        h("span", { class: "typing", "aria-hidden": "true" }, h("span"), h("span"), h("span")),
        srOnly("Looking through the clinic's documents…"));
    }
    if (msg.outcome === "crisis") return buildCrisis(msg);
    if (msg.outcome === "refused") return buildRefusal(msg);
    if (msg.outcome === "not_found") return buildNotFound(msg);
    return buildAnswer(msg);
  }

  function buildAnswer(msg) {
    const node = h("div", { class: botClass(msg, ""), "data-outcome": "answered",
      "aria-busy": msg.streaming ? "true" : "false" },
    h("p", { class: "kicker" }, icon("book"), "From the clinic's documents"),
    h("div", { class: "answer-text" }, answerLines(msg)));
    if (!msg.streaming) append(node, [buildSources(msg), buildFeedback(msg)]);
    return node;
  }

  // The answer's text with each [n] turned into a button that opens source n right under its sentence.
  // Each quoted sentence with its markers is its own line, so a patient sees which source backs which
  // sentence; each line has its own slot for the passages opened from it.
  function answerLines(msg) {
    const byN = new Map(msg.citations.map((c) => [Number(c.n), c]));
    const lines = [];
    let line = null;
    const addText = (text) => {
      if (!line || (line.cited && text.trim())) {
        line = { text: h("span", { class: "line-text" }), cards: h("div", { class: "cards" }), cited: false };
        lines.push(line);
        text = text.trimStart();
      }
      if (text) line.text.append(text);
    };
    let last = 0;
    for (const m of msg.text.matchAll(/\[(\d+)\]/g)) {
      addText(msg.text.slice(last, m.index));
      const cite = byN.get(Number(m[1]));
      // Before the citations event arrives a marker is shown as plain text.
      line.text.append(cite ? citeButton(msg, cite, line.cards, lines.length)
        : h("span", { class: "cite-pending", text: m[0] }));
      line.cited = true;
      last = m.index + m[0].length;
    }
    addText(msg.text.slice(last));
    return lines.map((l) => h("div", { class: "line" }, l.text, l.cards));
  }

  function citeButton(msg, cite, cards, lineNo) {
    const cardId = `${msg.id}-l${lineNo}-src${cite.n}`;
    const button = h("button", {
      class: "cite", type: "button", "aria-expanded": "false", "aria-controls": cardId,
      "aria-label": `Source ${cite.n}: ${cite.title}`, title: `Source ${cite.n}: ${cite.title}`,
      text: String(cite.n),
    });
    button.addEventListener("click", () => toggleCard(button, cite, cardId, cards));
    return button;
  }

  function toggleCard(button, cite, cardId, cards) {
    const existing = cards.querySelector(`[id="${cardId}"]`);
    button.setAttribute("aria-expanded", String(!existing));
    if (existing) {
      existing.remove();
      return;
    }
    const card = buildCard(cite, cardId);
    const after = [...cards.children].find((c) => Number(c.dataset.n) > Number(cite.n));
    cards.insertBefore(card, after || null);
    card.scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" });
  }

  function buildCard(cite, cardId) {
    const meta = [cite.section && `Section: ${cite.section}`, cite.version && `Version ${cite.version}`,
      cite.page !== null && cite.page !== undefined && `Page ${cite.page}`].filter(Boolean).join(" · ");
    const href = safeHttpUrl(cite.url)
      || `${config.api}/v1/passages/${encodeURIComponent(String(cite.chunk_id || ""))}`;
    return h("div", { class: "card", id: cardId, "data-n": String(cite.n), role: "group",
      "aria-label": `Source ${cite.n}` },
    h("p", { class: "card-title" }, h("span", { class: "badge", "aria-hidden": "true", text: String(cite.n) }),
      h("span", { text: cite.title || "Clinic document" })),
    meta ? h("p", { class: "card-meta", text: meta }) : null,
    h("blockquote", {}, passageNodes(cite)),
    h("a", { href, target: "_blank", rel: "noopener noreferrer" },
      safeHttpUrl(cite.url) ? "Read the full document" : "View this passage", icon("link"),
      srOnly(" (opens in a new tab)")));
  }

  // The whole passage for context, with the quoted sentence highlighted (only when the offsets match).
  function passageNodes(cite) {
    const passage = String(cite.passage || cite.quote || "");
    const { start, end } = cite;
    if (Number.isInteger(start) && Number.isInteger(end) && end > start && passage.slice(start, end) === cite.quote) {
      return [passage.slice(0, start), h("mark", { text: passage.slice(start, end) }), passage.slice(end)];
    }
    return [passage];
  }

  function buildSources(msg) {
    if (!msg.citations.length) return null;
    const docs = new Map();
    for (const c of msg.citations) {
      const key = `${c.title}\u0000${c.version}`;
      if (!docs.has(key)) docs.set(key, { title: c.title, version: c.version, ns: [] });
      docs.get(key).ns.push(c.n);
    }
    const items = [...docs.values()].map((d) => h("li", {},
      h("span", { class: "src-title", text: d.title }), d.version ? ` · version ${d.version}` : "",
      ` · ${d.ns.length > 1 ? "sources" : "source"} ${d.ns.join(", ")}`));
    return h("div", { class: "sources" }, icon("book"),
      h("div", {}, h("p", { class: "src-label", id: `${msg.id}-src`, text: "Quoted from" }),
        h("ul", { "aria-labelledby": `${msg.id}-src` }, items)));
  }

  function crisisHeading(category) {
    return category === "medical_emergency" ? "This may be a medical emergency"
      : "You don't have to go through this alone";
  }

  function buildCrisis(msg) {
    const headingId = `${msg.id}-h`;
    // Tap targets built here, not taken from the server text, so help is one tap away whatever the text says.
    const call988 = h("a", { class: "action", href: "tel:988" }, icon("phone"), "Call 988");
    const text988 = h("a", { class: "action", href: "sms:988" }, icon("text"), "Text 988");
    const chat = h("a", { class: "action secondary", href: "https://988lifeline.org/chat", target: "_blank",
      rel: "noopener noreferrer" }, icon("chat"), "Chat online", srOnly(" with the 988 Lifeline (opens in a new tab)"));
    const call911 = h("a", { class: "action urgent", href: "tel:911" }, icon("phone"), "Call 911");
    const emergency = msg.category === "medical_emergency";
    const actions = emergency ? [call911, call988, text988, chat] : [call988, text988, chat, call911];
    // The tap targets come first: on a phone they must be on screen without scrolling past the text.
    return h("section", { class: "msg crisis", "data-outcome": "crisis", "aria-labelledby": headingId },
      h("h3", { id: headingId }, icon("heart"), crisisHeading(msg.category)),
      h("div", { class: "actions" }, actions),
      msg.text ? h("p", { class: "server-text" }, linkified(msg.text)) : null,
      h("p", { class: "fine", text: "The 988 Suicide & Crisis Lifeline is free, confidential and open 24/7. "
        + "If you or someone else is in immediate danger, call 911." }));
  }

  function buildRefusal(msg) {
    const heading = REFUSAL_HEADINGS[msg.category] || "This question is for your care team";
    return h("div", { class: botClass(msg, "refused"), "data-outcome": "refused" },
      h("p", { class: "kicker" }, icon("info"), heading),
      h("p", { class: "server-text" }, linkified(msg.text)),
      buildFeedback(msg));
  }

  function buildNotFound(msg) {
    return h("div", { class: botClass(msg, ""), "data-outcome": "not_found" },
      h("p", { class: "kicker" }, icon("book"), "Not in the clinic's documents"),
      h("p", { class: "server-text" }, linkified(msg.text)),
      msg.streaming ? null : [
        h("p", { class: "care", text: "You could try one of these:" }),
        suggestionChips(),
        buildFeedback(msg)]);
  }

  // Phone numbers in the server's text become tap-to-call links (built as elements; the rest stays text),
  // so "contact your care team at (555) 010-0199" is one tap on a phone.
  function linkified(text) {
    const out = [];
    let last = 0;
    for (const m of text.matchAll(/\(\d{3}\) ?\d{3}-\d{4}|\b\d{3}-\d{3}-\d{4}\b/g)) {
      out.push(text.slice(last, m.index), h("a", { href: "tel:" + m[0].replace(/\D/g, ""), text: m[0] }));
      last = m.index + m[0].length;
    }
    out.push(text.slice(last));
    return out;
  }

  function botClass(msg, extra) {
    return ["msg", "bot", extra, msg.streaming ? "streaming" : ""].filter(Boolean).join(" ");
  }

  function suggestionChips() {
    return h("div", { class: "chips" }, config.suggestions.map((q) =>
      h("button", { class: "chip", type: "button", text: q, on: { click: () => { if (!state.busy) ask(q); } } })));
  }

  function buildWelcome() {
    return h("div", { class: "welcome" },
      h("p", { class: "lead", text: "Hello! Ask me about oral ketamine therapy." }),
      h("p", { text: "I answer only with quotes from the clinic's approved documents, and show the source of every "
        + "quote. I can't give doses or personal medical advice; your care team can." }),
      h("p", { class: "care", text: "Popular questions:" }),
      suggestionChips());
  }

  /* ------------------------------------------------------------------ feedback */

  function buildFeedback(msg) {
    if (msg.streaming || !msg.requestId || !/^[a-f0-9]{32}$/.test(msg.requestId)) return null;
    const wrap = h("div", { class: "feedback", role: "group", "aria-label": "Rate this answer" });
    renderFeedback(wrap, msg);
    return wrap;
  }

  function renderFeedback(wrap, msg) {
    const thumb = (rating, label, name) => h("button", {
      class: "thumb", type: "button", "aria-label": label, title: label,
      "aria-pressed": String(msg.rating === rating), on: { click: () => rate(wrap, msg, rating, null) },
    }, icon(name));
    const children = [h("span", { class: "label", text: "Was this helpful?" }),
      thumb("up", "Helpful", "up"), thumb("down", "Not helpful", "down")];
    if (msg.rating === "down" && !msg.reason) {
      children.push(h("div", { class: "reasons", role: "group", "aria-label": "What was wrong?" },
        FEEDBACK_REASONS.map(([code, label]) => h("button", { class: "chip", type: "button", text: label,
          on: { click: () => rate(wrap, msg, "down", code) } }))));
    }
    if (msg.feedbackNote) children.push(h("span", { class: "thanks", text: msg.feedbackNote }));
    wrap.replaceChildren(...children);
  }

  async function rate(wrap, msg, rating, reason) {
    const focusLabel = root.activeElement?.getAttribute("aria-label");
    Object.assign(msg, { rating, reason: reason || (rating === "up" ? "helpful" : null) });
    msg.feedbackNote = rating === "down" && !reason ? "Thanks. What was wrong? (optional)"
      : "Thanks for your feedback.";
    renderFeedback(wrap, msg);
    restoreFocus(wrap, focusLabel);
    wrap.scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" });
    saveState();
    announce(msg.feedbackNote);
    try {
      const res = await fetch(config.api + "/v1/feedback", {
        method: "POST", mode: "cors", credentials: "omit", referrerPolicy: "no-referrer",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ request_id: msg.requestId, rating, reason: msg.reason }),
      });
      if (!res.ok) throw new Error(String(res.status));
    } catch {
      msg.feedbackNote = "Sorry, your feedback couldn't be sent.";
      renderFeedback(wrap, msg);
    }
  }

  // Re-rendering replaces the buttons; put focus back on the same control (or the group) so it isn't lost.
  function restoreFocus(wrap, label) {
    const target = (label && wrap.querySelector(`[aria-label="${label}"]`)) || wrap.querySelector(".thumb");
    target?.focus();
  }

  /* ------------------------------------------------------------------ errors and clearing */

  const ERROR_TEXT = {
    invalid: "That question couldn't be read. Please check it isn't empty and is under 1000 characters.",
    rate_limited: "You've asked a lot of questions in a short time.",
    unavailable: "The library is briefly unavailable.",
    server: "Something went wrong on our side.",
    network: "The library couldn't be reached. Please check your connection.",
    timeout: "The answer took too long to arrive.",
    interrupted: "The answer was interrupted.",
  };

  function showError(failure, userMsg) {
    let text = ERROR_TEXT[failure.kind] || ERROR_TEXT.server;
    if (failure.kind === "rate_limited" && failure.retryAfter) {
      text += ` Please wait ${failure.retryAfter} seconds and try again.`;
    } else if (failure.kind !== "invalid") {
      text += " Please try again in a moment.";
    }
    const msg = addMessage({ role: "error", text, retry: failure.kind !== "invalid" ? userMsg.text : null });
    announce(text, true);
    return msg;
  }

  function buildError(msg) {
    return h("div", { class: "msg error", role: "group", "aria-label": "Problem" },
      h("p", { text: msg.text }),
      msg.retry ? h("button", { class: "text-btn", type: "button", text: "Try again",
        on: { click: () => { if (state.busy) return; removeMessage(msg); retry(msg.retry); } } }) : null);
  }

  function retry(question) {
    // The unanswered question is already shown; drop it so asking again doesn't duplicate it.
    const lastUser = [...state.messages].reverse().find((m) => m.role === "user");
    if (lastUser && lastUser.text === question) removeMessage(lastUser);
    ask(question);
    ui.input.focus();
  }

  function clearConversation() {
    state.controller?.abort();
    state.controller = null;
    state.messages = [];
    state.conversationId = randomId();
    try {
      sessionStorage.removeItem(STORE_KEY);
    } catch {
      /* nothing stored */
    }
    ui.messages.replaceChildren();
    showWelcome();
    setBusy(false);
    announce("Conversation cleared.");
    ui.input.focus();
  }

  function showWelcome() {
    ui.welcome = buildWelcome();
    ui.messages.append(ui.welcome);
  }

  /* ------------------------------------------------------------------ start */

  function restore() {
    const saved = state.messages;
    state.messages = [];
    if (!saved.length) showWelcome();
    for (const m of saved) addMessage({ ...m, streaming: false });
  }

  restore();
})();
