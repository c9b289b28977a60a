/**
 * The one stylesheet of the mailbox pages, served from `/dev/mailbox/assets/mailbox.css`. It lives in
 * code rather than in a `.css` file so that `npm start` and the built `dist/` serve the same thing
 * without a copy step. The pages carry no inline style, so helmet's policy needs no exception.
 */
export const MAILBOX_STYLESHEET = `
:root {
  color-scheme: light;
  --text: #1f2933;
  --muted: #52606d;
  --line: #cbd2d9;
  --surface: #f5f7fa;
  --link: #1d4ed8;
  --focus: #b45309;
}
* { box-sizing: border-box; }
body {
  margin: 0;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--text);
  background: #ffffff;
}
nav, main { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }
nav { padding-top: 1rem; }
main { padding-bottom: 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1rem 0 0.5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; }
p { margin: 0.5rem 0; }
a { color: var(--link); }
a:focus-visible, iframe:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
}
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
ol.messages { list-style: none; margin: 0.5rem 0; padding: 0; border-top: 1px solid var(--line); }
ol.messages li { padding: 0.75rem 0; border-bottom: 1px solid var(--line); }
ol.messages a { font-weight: 600; overflow-wrap: anywhere; }
ol.messages p { margin: 0.25rem 0 0; color: var(--muted); }
.to { overflow-wrap: anywhere; }
time { white-space: nowrap; }
dl.summary { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0.5rem 0; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
iframe.html-part { display: block; width: 100%; height: 36rem; border: 1px solid var(--line); background: #ffffff; }
pre.text-part {
  margin: 0;
  padding: 1rem;
  background: var(--surface);
  border: 1px solid var(--line);
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  font: 0.95rem/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
dl.headers { margin: 0.5rem 0; border-top: 1px solid var(--line); }
dl.headers div { display: grid; grid-template-columns: 14rem minmax(0, 1fr); gap: 0 1rem; padding: 0.4rem 0; border-bottom: 1px solid var(--line); }
dl.headers dt, dl.headers dd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9rem; }
dl.headers dt { font-weight: 600; }
dl.headers dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  dl.headers div { grid-template-columns: minmax(0, 1fr); }
  iframe.html-part { height: 28rem; }
}
`.trimStart();
