import { DEV_MAILBOX_PATH } from './dev-mailbox.availability';
import type { MailboxListing, MailboxMessage, MailboxSummary } from './dev-mailbox.service';
import { Html, html, linkify } from './html';

export const STYLESHEET_PATH = `${DEV_MAILBOX_PATH}/assets/mailbox.css`;

/** The iframe's sandbox: no scripts, forms, plugins or same-origin access; links may open a tab. */
export const HTML_PART_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

export function messagePath(id: string): string {
  return `${DEV_MAILBOX_PATH}/${id}`;
}

export function htmlPartPath(id: string): string {
  return `${messagePath(id)}/html`;
}

/**
 * `GET /dev/mailbox`: the newest messages first, as an ordered list of links named by subject, each
 * with its recipient and time beneath (a list rather than a table: it stays readable at 360 px).
 */
export function listPage(listing: MailboxListing): string {
  const { dir, messages, total } = listing;
  const shown =
    total > messages.length ? `; the newest ${messages.length} are shown` : ', newest first';
  return page(
    'Dev mailbox',
    html`<main>
      <h1>Dev mailbox</h1>
      <p>
        The emails this service wrote to <code>${dir}</code>. None of them was sent anywhere:
        without <code>SMTP_HOST</code>, mail stays on this machine.
      </p>
      ${
        total === 0
          ? html`<p>
              No messages yet. Ask for a password reset (<code>POST /auth/forgot-password</code>)
              and reload this page.
            </p>`
          : html`<h2 id="messages">${plural(total, 'message')}${shown}</h2>
              <ol class="messages" aria-labelledby="messages">
                ${messages.map(item)}
              </ol>`
      }
    </main>`,
  );
}

function item(message: MailboxSummary): Html {
  const language =
    message.language === undefined
      ? ''
      : html`, in <span class="language">${languageName(message.language)}</span>`;
  return html`<li>
    <a href="${messagePath(message.id)}">${subjectOf(message)}</a>
    <p>To <span class="to">${message.to}</span>, ${time(message.time)}${language}</p>
  </li>`;
}

/**
 * `GET /dev/mailbox/:id`: the HTML part in a sandboxed frame (served by its own route under its own
 * policy), the text part with its links clickable, and the headers as they are in the file.
 */
export function messagePage(message: MailboxMessage): string {
  const subject = subjectOf(message);
  return page(
    `${subject} – Dev mailbox`,
    html`<nav aria-label="Mailbox"><a href="${DEV_MAILBOX_PATH}">All messages</a></nav>
      <main>
        <h1>${subject}</h1>
        <dl class="summary">
          <dt>From</dt>
          <dd>${message.from}</dd>
          <dt>To</dt>
          <dd>${message.to}</dd>
          <dt>Time</dt>
          <dd>${time(message.time)}</dd>
          <dt>Language</dt>
          <dd>${languageOf(message)}</dd>
        </dl>
        <section aria-labelledby="html-part">
          <h2 id="html-part">HTML part</h2>
          ${
            message.html === undefined
              ? html`<p>This message has no HTML part.</p>`
              : html`<p class="muted">
                    Shown as a mail client would: no script runs in it, and its links open in a new
                    tab.
                  </p>
                  <iframe
                    class="html-part"
                    src="${htmlPartPath(message.id)}"
                    title="HTML part of the message"
                    sandbox="${HTML_PART_SANDBOX}"
                    referrerpolicy="no-referrer"
                  ></iframe>`
          }
        </section>
        <section aria-labelledby="text-part">
          <h2 id="text-part">Text part</h2>
          ${
            message.text === undefined
              ? html`<p>This message has no text part.</p>`
              : html`<pre class="text-part">${linkify(message.text)}</pre>`
          }
        </section>
        <section aria-labelledby="headers">
          <h2 id="headers">Headers</h2>
          <p class="muted">
            ${plural(message.headers.length, 'header')}, in the order and the form of the file.
          </p>
          <dl class="headers">
            ${message.headers.map(
              ({ name, value }) =>
                html`<div>
                  <dt>${name}</dt>
                  <dd>${value}</dd>
                </div>`,
            )}
          </dl>
        </section>
      </main>`,
  );
}

/** A message id that is not (or no longer) in the folder. */
export function notFoundPage(): string {
  return page(
    'No such message – Dev mailbox',
    html`<main>
      <h1>No such message</h1>
      <p>
        It is not in the mailbox folder (it may have been deleted).
        <a href="${DEV_MAILBOX_PATH}">All messages</a>
      </p>
    </main>`,
  );
}

/**
 * The HTML part for its frame, with `<base target="_blank">` added: a link clicked in the frame would
 * otherwise load inside it, where the reset page refuses to be framed. The base goes after `<head>`
 * (or after the doctype) so the document keeps its rendering mode.
 */
export function framedHtmlPart(markup: string): string {
  const base = '<base target="_blank">';
  const anchor = /<head(?:\s[^>]*)?>/i.exec(markup) ?? /^\s*<!doctype[^>]*>/i.exec(markup);
  if (anchor === null) return base + markup;
  const end = anchor.index + anchor[0].length;
  return markup.slice(0, end) + base + markup.slice(end);
}

/**
 * What every page shares: the stylesheet, no script, and an empty icon so that browsers do not ask
 * for a `/favicon.ico` the service does not have.
 */
function page(title: string, body: Html): string {
  return html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${STYLESHEET_PATH}" />
      </head>
      <body>
        ${body}
      </body>
    </html> `.markup;
}

function subjectOf(message: MailboxSummary): string {
  return message.subject === '' ? '(no subject)' : message.subject;
}

function time(value: Date): Html {
  const iso = value.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

function languageOf(message: MailboxSummary): string {
  return message.language === undefined
    ? 'Not stated (no Content-Language header)'
    : languageName(message.language);
}

/** `de-AT` → "Austrian German (de-AT)"; a value that names no language is shown as it is. */
function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    // RangeError: not a language tag (a list, or anything a hand-written message holds).
    return tag;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
