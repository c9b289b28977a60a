import { STRONG_PASSWORD } from '../support/factories';

/** Addresses that may register; sequences favour the first, so commands meet on one account. */
export const ACCOUNTS = ['a', 'b', 'c'] as const;
/** An address that never registers: nothing may ever be mailed to it. */
export const GHOST = 'z';

export type AccountLabel = (typeof ACCOUNTS)[number];
export type Label = AccountLabel | typeof GHOST;
export const LABELS: readonly Label[] = [...ACCOUNTS, GHOST];

/**
 * A reset link the model knows was mailed. Links of an address are kept oldest first, in the order
 * their emails arrived, and are never forgotten: a dead link must stay dead.
 */
export interface LinkState {
  live: boolean;
  /** How long it lives from when it was mailed: an invitation's link lives longer. */
  ttl: 'reset' | 'invite';
  /** The command that ended it, so a failure says which rule was broken. */
  endedBy?: string;
}

/**
 * The one-time code of a reset email (invitations carry none), kept like links: one per reset
 * email, oldest first, never forgotten. At most the newest is live: each new link replaces it.
 */
export interface CodeState {
  live: boolean;
  endedBy?: string;
}

/** Wrong tries that burn the live code; its link keeps working. */
export const CODE_MAX_WRONG_TRIES = 5;
/**
 * Refused codes an address takes from one client network before that network is refused every
 * code for it (the right one too) for a window far longer than any sequence: the test's requests
 * all come from one network, so each address has one count, across all its accounts.
 */
export const CODE_MAX_FAILURES = 10;

/** An access token from a successful login, in the order the logins happened. */
export interface SessionState {
  alive: boolean;
  endedBy?: string;
}

/** What must hold for one address across every account it ever had. */
export interface AddressModel {
  registered: boolean;
  /** The password of the current account, or of the last one the address had. */
  password?: string;
  /** The password before the latest change, which must no longer work. */
  previousPassword?: string;
  links: LinkState[];
  codes: CodeState[];
  /** Wrong codes tried against the live code since it was mailed. */
  codeWrongTries: number;
  /** Codes refused for the address, whatever the reason (the network lock's count). */
  codeFailures: number;
  sessions: SessionState[];
  /** Emails the SMTP server must have received for the address, by kind. */
  resetMails: number;
  noticeMails: number;
  /** Invitations ("set your password"), each with a link. */
  inviteMails: number;
  lastMail?: 'reset' | 'notice' | 'invite';
}

/** The reference model: small enough to be obviously right. */
export interface LifecycleModel {
  addresses: Record<Label, AddressModel>;
  /** Passwords minted so far: every new password differs from every earlier one. */
  passwordsMinted: number;
}

export function newModel(): LifecycleModel {
  const address = (): AddressModel => ({
    registered: false,
    links: [],
    codes: [],
    codeWrongTries: 0,
    codeFailures: 0,
    sessions: [],
    resetMails: 0,
    noticeMails: 0,
    inviteMails: 0,
  });
  return {
    addresses: { a: address(), b: address(), c: address(), z: address() },
    passwordsMinted: 0,
  };
}

/**
 * A strong password no earlier command used. Derived from the model alone, so replaying a sequence
 * sends the same passwords.
 */
export function mintPassword(model: LifecycleModel): string {
  model.passwordsMinted += 1;
  return `${STRONG_PASSWORD} ${model.passwordsMinted}`;
}

/** Weak by zxcvbn's common-password list; the policy refuses it whatever the account. */
export const WEAK_PASSWORD = 'password123';
/** A password that is nobody's. */
export const WRONG_PASSWORD = 'certainly not the password';

/** Which of an address's links a command uses: the newest, or one `back` emails before it. */
export type LinkChoice = { kind: 'newest' } | { kind: 'older'; back: number };

export function describeLink(choice: LinkChoice): string {
  return choice.kind === 'newest' ? 'newest' : `older(${choice.back})`;
}

/** Index into `links`, or undefined when the address has no such link yet. */
export function pickLink(address: AddressModel, choice: LinkChoice): number | undefined {
  const newest = address.links.length - 1;
  if (choice.kind === 'newest') return newest >= 0 ? newest : undefined;
  // An "older" link needs a newer one to exist; the oldest stands in when `back` reaches past it.
  return newest >= 1 ? Math.max(0, newest - choice.back) : undefined;
}

export function endLinks(address: AddressModel, endedBy: string): void {
  for (const link of address.links) {
    if (link.live) Object.assign(link, { live: false, endedBy });
  }
}

/** Ends the live code, if any. Every end of a link ends the code (one row holds both). */
export function endCodes(address: AddressModel, endedBy: string): void {
  for (const code of address.codes) {
    if (code.live) Object.assign(code, { live: false, endedBy });
  }
}

/** The newest code, when it is live. */
export function liveCode(address: AddressModel): CodeState | undefined {
  const newest = address.codes.at(-1);
  return newest?.live ? newest : undefined;
}

/**
 * A code sent for the address (verify or reset): whether the service accepts it. `right` is whether
 * its digits are those of the newest code mailed. A locked network is refused before anything is
 * compared; otherwise a refusal counts towards the lock, and a wrong code against a live one
 * counts a wrong try, the last of which burns it.
 */
export function tryCode(
  address: AddressModel,
  right: boolean,
  by: string,
): { accepted: true } | { accepted: false; why: string } {
  if (address.codeFailures >= CODE_MAX_FAILURES) {
    return {
      accepted: false,
      why: `the network is locked out after ${CODE_MAX_FAILURES} refusals`,
    };
  }
  const live = liveCode(address);
  if (live && right) return { accepted: true };
  address.codeFailures += 1;
  if (live) {
    address.codeWrongTries += 1;
    if (address.codeWrongTries >= CODE_MAX_WRONG_TRIES) {
      Object.assign(live, { live: false, endedBy: `${by} (wrong try #${address.codeWrongTries})` });
    }
    return { accepted: false, why: `wrong code, try #${address.codeWrongTries}` };
  }
  const newest = address.codes.at(-1);
  return { accepted: false, why: newest ? `the code ${because(newest)}` : 'no code was mailed' };
}

/** Why a link, code or session should be dead, for the failure message. */
export function because(state: { endedBy?: string }): string {
  return state.endedBy ? `ended by ${state.endedBy}` : 'never live';
}

export function endSessions(address: AddressModel, endedBy: string): void {
  for (const session of address.sessions) {
    if (session.alive) Object.assign(session, { alive: false, endedBy });
  }
}

/**
 * A reset email (or an invitation) went out: the new link is the only one that works, and the
 * reset email's code the only code (an invitation leaves the account none).
 */
export function mailNewLink(
  address: AddressModel,
  by: string,
  kind: 'reset' | 'invite' = 'reset',
): void {
  endLinks(address, `${by} (a newer link)`);
  endCodes(address, `${by} (a newer link)`);
  address.links.push({ live: true, ttl: kind });
  address.codeWrongTries = 0;
  if (kind === 'invite') address.inviteMails += 1;
  else {
    address.resetMails += 1;
    address.codes.push({ live: true });
  }
  address.lastMail = kind;
}

/** A reset or change succeeded: links and sessions end, and the owner is told once. */
export function changePassword(address: AddressModel, newPassword: string, by: string): void {
  address.previousPassword = address.password;
  address.password = newPassword;
  endLinks(address, by);
  endCodes(address, by);
  endSessions(address, by);
  address.noticeMails += 1;
  address.lastMail = 'notice';
}

/** The account is gone; its links and sessions with it. The address may register again. */
export function deleteAccount(address: AddressModel, by: string): void {
  address.registered = false;
  endLinks(address, by);
  endCodes(address, by);
  endSessions(address, by);
}
