import { isEmail } from 'class-validator';
import { domainToASCII } from 'node:url';

/** The most characters (code points) an address may have once normalised, as the column allows. */
export const EMAIL_MAX_LENGTH = 254;

/** A normalised address, or why the input cannot be one (to follow the field name: "email must …"). */
export type EmailNormalization = { ok: true; email: string } | { ok: false; reason: string };

// Controls, invisible formatting characters (zero-width, bidi overrides) and unpaired surrogates: an
// address holding one can look identical to another, or break a mail header.
const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/u;
const WHITESPACE = /\s/u;
// ASCII in a domain is letters, digits, dots and hyphens before IDNA sees it: domainToASCII would
// otherwise percent-decode (`ex%41mple.com` → `example.com`) and pass other symbols through.
const DOMAIN_CHARACTERS = /^(?:[a-z0-9.-]|[^\p{ASCII}])+$/u;

/**
 * The one form an address is compared and stored in: NFC, trimmed, lower-cased, the domain in ASCII
 * (punycode, `Jörg@Bücher.DE` → `jörg@xn--bcher-kva.de`). A non-ASCII local part is kept, in NFC and
 * lower case. Quoted local parts, whitespace and control or invisible characters inside, and more
 * than {@link EMAIL_MAX_LENGTH} characters after normalisation are refused with a reason. The result
 * is its own normal form, so normalising twice changes nothing (the migration and the DTO rely on it).
 */
export function normalizeEmail(raw: string): EmailNormalization {
  // A normal form normalises to itself, and one request normalises its address up to three times
  // (the DTO's transform and check, then the service, which hosts may call directly).
  if (recentNormalForms.has(raw)) return { ok: true, email: raw };
  // NFC again after lower-casing: a few case mappings produce decomposed sequences.
  const trimmed = raw.normalize('NFC').trim().toLowerCase().normalize('NFC');
  if (CONTROL_OR_INVISIBLE.test(trimmed)) {
    return refuse('must not contain control or invisible characters');
  }
  if (trimmed.startsWith('"')) return refuse('must not have a quoted local part');
  if (WHITESPACE.test(trimmed)) return refuse('must not contain spaces');
  const at = trimmed.lastIndexOf('@');
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (at < 1 || !DOMAIN_CHARACTERS.test(domain)) return refuse('must be a valid email address');
  const asciiDomain = domainToASCII(domain);
  if (!asciiDomain) return refuse('must have a valid domain name');
  const email = `${local}@${asciiDomain}`;
  if ([...email].length > EMAIL_MAX_LENGTH) {
    return refuse(`must be at most ${EMAIL_MAX_LENGTH} characters`);
  }
  // The final form is what gets checked, so the domain's labels and length are those that are sent.
  if (!isEmail(email, { allow_utf8_local_part: true, require_tld: true })) {
    return refuse('must be a valid email address');
  }
  remember(email);
  return { ok: true, email };
}

/**
 * The form an address takes as a key (queued requests, per-address counts, lookups), whatever form
 * a host stored it in: its normal form. A host's own data may hold an address that does not
 * normalise (no top-level domain, a quoted local part); it is trimmed and lower-cased instead, not
 * refused: such an address can have no queued request nor count to match (those are made from
 * normalised addresses), and refusing it would fail the host's password change for nothing.
 */
export function emailKey(address: string): string {
  const normalised = normalizeEmail(address);
  return normalised.ok ? normalised.email : address.normalize('NFC').trim().toLowerCase();
}

/** Addresses recently produced by {@link normalizeEmail}, oldest first; a few hundred at most. */
const recentNormalForms = new Set<string>();
const RECENT_NORMAL_FORMS = 256;

function remember(email: string): void {
  if (recentNormalForms.size >= RECENT_NORMAL_FORMS) {
    const oldest = recentNormalForms.values().next();
    if (!oldest.done) recentNormalForms.delete(oldest.value);
  }
  recentNormalForms.add(email);
}

function refuse(reason: string): EmailNormalization {
  return { ok: false, reason };
}
