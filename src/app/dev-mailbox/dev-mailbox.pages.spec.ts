import { framedHtmlPart, listPage, messagePage } from './dev-mailbox.pages';
import type { MailboxMessage } from './dev-mailbox.service';

describe(framedHtmlPart.name, () => {
  it('should put the base right after <head>, keeping the doctype first', () => {
    expect(
      framedHtmlPart('<!DOCTYPE html>\n<html lang="en">\n<head lang="en">\n<title>t</title>'),
    ).toBe(
      '<!DOCTYPE html>\n<html lang="en">\n<head lang="en"><base target="_blank">\n<title>t</title>',
    );
  });

  it('should not mistake <header> for <head>', () => {
    expect(framedHtmlPart('<!doctype html><header>x</header>')).toBe(
      '<!doctype html><base target="_blank"><header>x</header>',
    );
  });

  it('should put the base first in a fragment', () => {
    expect(framedHtmlPart('<p>hello</p>')).toBe('<base target="_blank"><p>hello</p>');
  });
});

describe('The language of a message', () => {
  const message = (language?: string): MailboxMessage => ({
    id: '2026-01-31T09-15-00-123Z-0123abcd',
    subject: 'Passwort zurücksetzen',
    to: 'anna@example.com',
    time: new Date('2026-01-31T09:15:00.123Z'),
    language,
    from: 'no-reply@example.com',
    text: 'Hallo',
    headers: [],
  });
  const squash = (markup: string) => markup.replace(/>\s+</g, '><').replace(/\s+/g, ' ');

  it('should be named in English with its tag, in the list and on the message page', () => {
    const list = squash(listPage({ dir: '/tmp/mail', messages: [message('de-AT')], total: 1 }));
    const page = squash(messagePage(message('de-AT')));

    expect(list).toContain(', in <span class="language">Austrian German (de-AT)</span>');
    expect(page).toContain('<dt>Language</dt><dd>Austrian German (de-AT)</dd>');
  });

  it('should be shown as it is when it is no language tag, and said to be missing when absent', () => {
    const odd = squash(messagePage(message('<not a tag>')));
    const list = squash(listPage({ dir: '/tmp/mail', messages: [message()], total: 1 }));
    const page = squash(messagePage(message()));

    expect(odd).toContain('<dt>Language</dt><dd>&lt;not a tag&gt;</dd>');
    expect(list).not.toContain('class="language"');
    expect(page).toContain('<dt>Language</dt><dd>Not stated (no Content-Language header)</dd>');
  });
});
