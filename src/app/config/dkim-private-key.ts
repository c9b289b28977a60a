import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Receivers ignore signatures made with shorter RSA keys (RFC 8301). */
const MIN_RSA_BITS = 1024;

/**
 * The PEM text DKIM_PRIVATE_KEY stands for: the value itself when it is a PEM block, otherwise the
 * content of the file it names. A one-line PEM with literal `\n` (as many secret stores and
 * `docker run -e` give it) is read as if it had real line breaks.
 */
export function readDkimPrivateKey(value: string): string {
  const trimmed = value.trim();
  if (!trimmed.startsWith('-----BEGIN')) return readFileSync(trimmed, 'utf8');
  return trimmed.includes('\n') ? trimmed : trimmed.replace(/\\n/g, '\n');
}

/**
 * Why DKIM_PRIVATE_KEY cannot sign, or `undefined` when it can. Checked at start-up, because
 * nodemailer drops a signature it fails to make and sends the message unsigned. The messages never
 * quote the value: it may be the key itself.
 */
export function dkimPrivateKeyProblem(value: string): string | undefined {
  let pem: string;
  try {
    pem = readDkimPrivateKey(value);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `DKIM_PRIVATE_KEY is neither a PEM private key nor the path of a readable file${code ? ` (${code})` : ''}`;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    return 'DKIM_PRIVATE_KEY does not hold a private key in PEM form (an encrypted key is not supported)';
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return `DKIM_PRIVATE_KEY must be an RSA key, not ${key.asymmetricKeyType ?? 'this kind'}: nodemailer signs with rsa-sha256`;
  }
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    return `DKIM_PRIVATE_KEY must be at least ${MIN_RSA_BITS} bits long (2048 recommended): receivers ignore shorter ones`;
  }
  return undefined;
}
