import { escapeHtml, Html, html, linkify } from './html';

describe(html.name, () => {
  it('should escape every interpolated string and keep Html as it is', () => {
    const name = `<img src=x onerror="alert('x')"> & co`;
    expect(html`<p title="${name}">${name}${new Html('<br>')}</p>`.markup).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co">' +
        '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co<br></p>',
    );
  });

  it('should join arrays and escape their items', () => {
    const items = ['<a>', html`<li>b</li>`, 3];
    // prettier-ignore
    expect(html`<ul>${items}</ul>`.markup).toBe('<ul>&lt;a&gt;<li>b</li>3</ul>');
  });
});

describe(linkify.name, () => {
  it('should link a reset URL with its fragment, without a target, without a Referer', () => {
    const url =
      'http://localhost:3000/reset-password#token=Ab_9-xYz0123456789abcdefghijklmnopqrstuvwx';
    expect(linkify(`Open this link:\n\n${url}\n\nThanks`).markup).toBe(
      `Open this link:\n\n<a href="${url}" rel="noreferrer">${url}</a>\n\nThanks`,
    );
  });

  it('should escape the text around links and the links themselves', () => {
    expect(linkify('<b>see https://example.com/a?x=1&y="2" now</b>').markup).toBe(
      '&lt;b&gt;see <a href="https://example.com/a?x=1&amp;y=" rel="noreferrer">' +
        'https://example.com/a?x=1&amp;y=</a>&quot;2&quot; now&lt;/b&gt;',
    );
  });

  it('should leave trailing punctuation and angle brackets out of a link', () => {
    expect(
      linkify('Go to <https://example.com/path>. Or (https://example.org/x), then.').markup,
    ).toBe(
      'Go to &lt;<a href="https://example.com/path" rel="noreferrer">https://example.com/path</a>&gt;. ' +
        'Or (<a href="https://example.org/x" rel="noreferrer">https://example.org/x</a>), then.',
    );
  });

  it('should link only http and https URLs', () => {
    const text =
      'javascript:alert(1) data:text/html,<script> ftp://example.com mailto:a@example.com';
    expect(linkify(text).markup).toBe(escapeHtml(text));
  });

  it('should not link an address that is not a URL', () => {
    expect(linkify('http://').markup).toBe('http://');
    expect(linkify('see http://[::1').markup).toBe('see http://[::1');
  });
});
