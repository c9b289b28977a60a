// The reference reset page of nest-password-reset: no framework, no build step, no inline code (the
// page's Content-Security-Policy allows scripts from its own origin only).
(() => {
  'use strict';

  // First, before any request: take the token out of the address bar, so it stays in no history
  // entry, bookmark or screenshot. From here on it lives only in this closure, and it only ever
  // travels in the JSON body of a POST, never in a URL.
  let token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);

  const MIN_LENGTH = 8;
  const MAX_LENGTH = 128;
  const SECTIONS = ['checking', 'reset', 'done', 'expired', 'sent'];

  const $ = (id) => document.getElementById(id);
  let busy = false;

  // The server wrote the page in one language and put the same catalog here for the script; the
  // API is asked for that language too, so its messages (a weak password's) match the page.
  const LOCALE = document.documentElement.lang || 'en';
  const MESSAGES = JSON.parse($('reset-page-messages').textContent);

  /** The text `key` in the page's language, its `{name}` placeholders filled from `values`. */
  function t(key, values = {}) {
    return MESSAGES[key].replace(/\{(\w+)\}/g, (placeholder, name) =>
      name in values ? String(values[name]) : placeholder,
    );
  }

  // The page is served at <prefix><resetPath> and the API at <prefix>/auth/…, whatever the host's
  // global prefix (or a proxy's): drop as many trailing segments as resetPath has.
  const apiBase = (() => {
    const resetPath = document.body.dataset.resetPath || '/reset-password';
    const depth = resetPath.split('/').filter(Boolean).length;
    const segments = location.pathname.replace(/\/+$/, '').split('/');
    return segments.slice(0, segments.length - depth).join('/');
  })();

  /** POSTs JSON to the module's API; resolves to the status and the parsed body (if any). */
  async function post(path, body) {
    const response = await fetch(apiBase + path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Accept-Language': LOCALE,
      },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
    const data = await response.json().catch(() => ({}));
    return { status: response.status, data: data ?? {} };
  }

  /** The server's message, which is a list for validation errors. */
  function messageOf(data) {
    if (Array.isArray(data.message)) return data.message.join(' ');
    return typeof data.message === 'string' && data.message ? data.message : t('genericError');
  }

  /** What to say about an answer that is neither a success nor a field's problem. */
  function problemOf(status, data) {
    if (status === 429) return t('tooManyError');
    if (status === 503) return t('busyError');
    return status >= 500 ? t('genericError') : messageOf(data);
  }

  /** Shows one state and moves focus to its heading, so a screen reader announces the change. */
  function show(name) {
    for (const section of SECTIONS) $(section).hidden = section !== name;
    $(`${name}-title`).focus();
  }

  /** Shows (or clears, with '') the message under a field, marks the field and focuses it. */
  function fieldError(fieldId, message) {
    const field = $(fieldId);
    $(`${fieldId}-error`).textContent = message;
    if (message) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    } else {
      field.removeAttribute('aria-invalid');
    }
  }

  /** The state for a used, expired or unknown token, or (`hadToken` false) a link cut short. */
  function showExpired(hadToken) {
    token = null;
    if (!hadToken) {
      $('expired-title').textContent = t('incompleteTitle');
      $('expired-text').textContent = t('incompleteText');
    }
    show('expired');
  }

  async function verify() {
    $('checking-retry').hidden = true;
    $('checking-status').textContent = t('checking');
    let problem = t('offlineError');
    try {
      const { status, data } = await post('/auth/reset-password/verify', { token });
      if (status === 200) return show('reset');
      if (status === 400) return showExpired(true);
      problem = problemOf(status, data);
    } catch {
      // fetch rejects only when no answer came back: the offline message stands.
    }
    $('checking-status').textContent = problem;
    $('checking-retry').hidden = false;
  }

  async function setPassword() {
    const password = $('new-password').value;
    $('reset-status').textContent = '';
    fieldError('confirm-password', '');
    fieldError('new-password', '');
    if (password.length < MIN_LENGTH || password.length > MAX_LENGTH) {
      return fieldError(
        'new-password',
        t('passwordLength', { min: MIN_LENGTH, max: MAX_LENGTH, length: password.length }),
      );
    }
    // Caught here, so a typo never reaches the server, let alone becomes the password.
    if (password !== $('confirm-password').value) {
      return fieldError('confirm-password', t('passwordsDiffer'));
    }
    const { status, data } = await post('/auth/reset-password', { token, newPassword: password });
    if (status === 200) {
      token = null;
      $('new-password').value = '';
      $('confirm-password').value = '';
      return show('done');
    }
    if (data.code === 'INVALID_RESET_TOKEN') return showExpired(true);
    if (status === 400) return fieldError('new-password', messageOf(data));
    $('reset-status').textContent = problemOf(status, data);
  }

  async function requestLink() {
    const email = $('email').value.trim();
    $('request-status').textContent = '';
    fieldError('email', '');
    if (!email) return fieldError('email', t('emailMissing'));
    const { status, data } = await post('/auth/forgot-password', { email });
    // The same answer for every address: the page says nothing about which ones have accounts.
    if (status === 202) return show('sent');
    if (status === 400) return fieldError('email', messageOf(data));
    $('request-status').textContent = problemOf(status, data);
  }

  /** Runs a form's action once at a time; a failed request leaves its message in `statusId`. */
  function onSubmit(formId, statusId, action) {
    $(formId).addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      try {
        await action();
      } catch {
        $(statusId).textContent = t('offlineError');
      } finally {
        busy = false;
      }
    });
  }

  $('show-passwords').addEventListener('change', (event) => {
    const type = event.target.checked ? 'text' : 'password';
    $('new-password').type = type;
    $('confirm-password').type = type;
  });
  onSubmit('reset-form', 'reset-status', setPassword);
  onSubmit('request-form', 'request-status', requestLink);
  $('checking-retry').addEventListener('click', () => void verify());

  if (token) void verify();
  else showExpired(false);
})();
