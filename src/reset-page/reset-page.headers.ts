import helmet from 'helmet';

/**
 * The reset page's Content-Security-Policy: its own script, stylesheet and API only (`'self'`),
 * nothing inline and no `eval`, so injected markup cannot run or restyle anything; no framing (no
 * clickjacking of the form), no `<base>` and no plugins. Stricter than a host's usual policy, and
 * set after it, so it is the one the page's answers carry.
 */
export const RESET_PAGE_CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
};

/**
 * helmet for the page and its two files, whatever the host does for the rest of its routes. No
 * Strict-Transport-Security: it would bind the host's whole domain (and subdomains), which is the
 * host's decision; a host on HTTPS sets it for every answer anyway.
 */
export function resetPageHeaders(): ReturnType<typeof helmet> {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: RESET_PAGE_CSP_DIRECTIVES,
    },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false,
  });
}
