import fc, { Arbitrary, AsyncCommand } from 'fast-check';
import { FORGOT_PASSWORD_MESSAGE } from '../../src/reset/password-reset.controller';
import { OTHER_STRONG_PASSWORD } from '../support/factories';
import { FRONTEND_URL } from '../support/test-app';
import {
  AccountLabel,
  AddressModel,
  because,
  CODE_MAX_FAILURES,
  changePassword,
  deleteAccount,
  describeLink,
  endCodes,
  endLinks,
  GHOST,
  Label,
  LABELS,
  LifecycleModel,
  LinkChoice,
  liveCode,
  mailNewLink,
  mintPassword,
  pickLink,
  tryCode,
  WEAK_PASSWORD,
  WRONG_PASSWORD,
} from './lifecycle-model';
import {
  expectStatus,
  expectThat,
  INVITE_SUBJECT,
  INVITE_TTL_MS,
  LifecycleSystem,
  LINK_SUBJECTS,
  ModelViolation,
  NOTICE_SUBJECT,
  RESET_CODE_TTL_MS,
  RESET_SUBJECT,
  RESET_TOKEN_TTL_MS,
} from './lifecycle-system';

type Model = LifecycleModel;
type Real = LifecycleSystem;

/**
 * Every command acts, waits until the mail it caused has been delivered, then checks what must
 * hold. The wait matters: the service issues a reset token after answering, so until the email is
 * out, what the next request or reset does to links would depend on timing, not on the rules.
 */
abstract class LifecycleCommand implements AsyncCommand<Model, Real> {
  /** The address whose links and sessions are checked afterwards. */
  protected abstract readonly who: Label;

  abstract check(m: Readonly<Model>): boolean;
  /** The command as a line of the script a failure prints. */
  abstract toString(): string;
  protected abstract act(m: Model, r: Real): Promise<void>;

  protected get step(): string {
    return this.toString();
  }

  async run(m: Model, r: Real): Promise<void> {
    r.trace.push(this.step);
    try {
      await this.act(m, r);
      await r.settle();
      checkMailboxes(m, r);
      await checkLinks(m, r, this.who);
      await checkCode(m, r, this.who);
      await checkSessions(m, r, this.who);
    } catch (error) {
      throw error instanceof ModelViolation ? error : new ModelViolation(r.trace, error);
    }
  }
}

/** Exactly the mail the model expects, for every address; none at all for one without an account. */
function checkMailboxes(m: Model, r: Real): void {
  for (const label of LABELS) {
    const expected = m.addresses[label];
    const subjects = r.mail(label).map((mail) => mail.parsed.subject);
    const resets = subjects.filter((s) => s === RESET_SUBJECT).length;
    const notices = subjects.filter((s) => s === NOTICE_SUBJECT).length;
    const invites = subjects.filter((s) => s === INVITE_SUBJECT).length;
    expectThat(
      resets === expected.resetMails &&
        notices === expected.noticeMails &&
        invites === expected.inviteMails &&
        subjects.length === resets + notices + invites,
      `mailbox of ${label}: expected ${expected.resetMails} reset email(s), ` +
        `${expected.noticeMails} "password changed" notice(s) and ${expected.inviteMails} ` +
        `invitation(s), got ${JSON.stringify(subjects)}`,
    );
  }
}

/** Only the link the model holds live works; verifying does not use it up. */
async function checkLinks(m: Model, r: Real, label: Label): Promise<void> {
  const { links } = m.addresses[label];
  for (const [index, link] of links.entries()) {
    const response = await r
      .http()
      .post('/auth/reset-password/verify')
      .send({ token: r.link(label, index) });
    const what = `postcondition: verify link #${index + 1} of ${label}`;
    if (link.live) {
      expectStatus(response, 200, `${what} (the live link)`);
      const expiresAt = new Date(response.body.expiresAt as string).getTime();
      const ttl = link.ttl === 'invite' ? INVITE_TTL_MS : RESET_TOKEN_TTL_MS;
      // An invitation's link outlives a reset link by far: it must not have a reset link's lifetime.
      const floor = link.ttl === 'invite' ? Date.now() + RESET_TOKEN_TTL_MS : Date.now();
      expectThat(
        expiresAt > floor && expiresAt <= Date.now() + ttl,
        `${what}: expiresAt ${response.body.expiresAt} is not within the token lifetime from now`,
      );
    } else {
      expectStatus(response, 400, `${what} (${because(link)})`, 'INVALID_RESET_TOKEN');
    }
  }
  const stored = await r.storedTokens(label);
  expectThat(stored <= 1, `postcondition: ${label} has ${stored} reset tokens stored, at most 1`);
}

/**
 * The live code works and says when it stops: its lifetime from when its email was asked for.
 * Only the live code is tried: a refused one would count towards the network lock, and the
 * commands try dead ones themselves. A locked network is refused it, which counts nothing.
 */
async function checkCode(m: Model, r: Real, label: Label): Promise<void> {
  const address = m.addresses[label];
  if (!liveCode(address)) return;
  const index = address.codes.length - 1;
  const response = await r
    .http()
    .post('/auth/reset-password/code/verify')
    .send({ email: r.address[label], code: r.code(label, index) });
  const what = `postcondition: verify code #${index + 1} of ${label}`;
  if (address.codeFailures >= CODE_MAX_FAILURES) {
    expectStatus(response, 400, `${what} (the network is locked out)`, 'INVALID_RESET_CODE');
    return;
  }
  expectStatus(response, 200, `${what} (the live code)`);
  expectCodeLifetime(response.body.expiresAt, r.resetAskedAt[label][index], what);
}

/** A code's `expiresAt` is its lifetime after it was asked for, at the earliest, and from now at most. */
function expectCodeLifetime(expiresAt: unknown, askedAt: number, what: string): void {
  const at = new Date(expiresAt as string).getTime();
  expectThat(
    at >= askedAt + RESET_CODE_TTL_MS && at <= Date.now() + RESET_CODE_TTL_MS,
    `${what}: expiresAt ${String(expiresAt)} is not the code's lifetime after it was asked for`,
  );
}

/** Sessions the model holds alive answer; every other one is refused. */
async function checkSessions(m: Model, r: Real, label: Label): Promise<void> {
  for (const [index, session] of m.addresses[label].sessions.entries()) {
    const response = await r
      .http()
      .get('/users/me')
      .auth(r.sessions[label][index], { type: 'bearer' });
    const what = `postcondition: GET /users/me with session #${index + 1} of ${label}`;
    if (session.alive) {
      expectStatus(response, 200, what);
      expectThat(
        response.body.email === r.address[label] && response.body.id === r.userIds[label],
        `${what}: answered for ${JSON.stringify(response.body)}`,
      );
    } else {
      expectStatus(response, 401, `${what} (${because(session)})`, 'UNAUTHENTICATED');
    }
  }
}

export class Register extends LifecycleCommand {
  constructor(protected readonly who: AccountLabel) {
    super();
  }
  check(): boolean {
    return true;
  }
  toString(): string {
    return `register(${this.who})`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const address = m.addresses[this.who];
    if (address.registered) {
      const response = await r
        .http()
        .post('/auth/register')
        .send({ email: r.address[this.who], password: OTHER_STRONG_PASSWORD });
      expectStatus(response, 409, `${this.step} (the address has an account)`, 'EMAIL_TAKEN');
      return;
    }
    const password = mintPassword(m);
    const response = await r
      .http()
      .post('/auth/register')
      .send({ email: r.address[this.who], password });
    expectStatus(response, 201, this.step);
    r.userIds[this.who] = response.body.id as string;
    // The last account's password must not open the new one.
    address.previousPassword = address.password;
    address.password = password;
    address.registered = true;
  }
}

export class Forgot extends LifecycleCommand {
  constructor(protected readonly who: Label) {
    super();
  }
  check(): boolean {
    return true;
  }
  toString(): string {
    return `forgot(${this.who})`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const askedAt = Date.now();
    const response = await r
      .http()
      .post('/auth/forgot-password')
      .send({ email: r.address[this.who] });
    expectStatus(response, 202, this.step);
    expectThat(
      JSON.stringify(response.body) === JSON.stringify({ message: FORGOT_PASSWORD_MESSAGE }),
      `${this.step}: the answer must be the same for every address, got ${JSON.stringify(response.body)}`,
    );
    const address = m.addresses[this.who];
    if (address.registered) {
      mailNewLink(address, this.step);
      r.resetAskedAt[this.who].push(askedAt);
    }
  }
}

/** Reads the address's mail as its owner would: the newest message, and the links in it. */
class ReadMail extends LifecycleCommand {
  constructor(protected readonly who: Label) {
    super();
  }
  check(): boolean {
    return true;
  }
  toString(): string {
    return `readMail(${this.who})`;
  }
  protected act(m: Model, r: Real): Promise<void> {
    const address = m.addresses[this.who];
    const mail = r.mail(this.who);
    const newest = mail[mail.length - 1];
    const expected = { reset: RESET_SUBJECT, notice: NOTICE_SUBJECT, invite: INVITE_SUBJECT }[
      address.lastMail ?? 'reset'
    ];
    expectThat(
      address.lastMail === undefined ? newest === undefined : newest?.parsed.subject === expected,
      `${this.step}: expected the newest email to be ${address.lastMail ? `"${expected}"` : 'none'}, ` +
        `got ${newest ? `"${newest.parsed.subject}"` : 'none'}`,
    );
    if (newest?.parsed.subject === NOTICE_SUBJECT) {
      expectThat(
        !/#token=/.test(newest.parsed.text ?? ''),
        `${this.step}: a notice carries a token`,
      );
    }
    const tokens = address.links.map((_, index) => r.link(this.who, index));
    const prefix = `${FRONTEND_URL}/reset-password?lang=en#token=`;
    for (const token of tokens) {
      expectThat(/^[A-Za-z0-9_-]{43}$/.test(token), `${this.step}: malformed token ${token}`);
    }
    expectThat(new Set(tokens).size === tokens.length, `${this.step}: a token was mailed twice`);
    // Every reset email shows a code (r.code reads it, from both parts); an invitation none.
    address.codes.forEach((_, index) => r.code(this.who, index));
    for (const invitation of mail.filter((message) => message.parsed.subject === INVITE_SUBJECT)) {
      expectThat(
        !/^\d{4} \d{4}$/m.test(invitation.parsed.text ?? ''),
        `${this.step}: an invitation shows a reset code`,
      );
    }
    if (tokens.length > 0) {
      const text = mail
        .filter((message) => LINK_SUBJECTS.includes(message.parsed.subject ?? ''))
        .at(-1)?.parsed.text;
      expectThat(
        !!text?.includes(`${prefix}${tokens[tokens.length - 1]}`),
        `${this.step}: the newest reset email does not link to ${prefix}…`,
      );
    }
    return Promise.resolve();
  }
}

abstract class LinkCommand extends LifecycleCommand {
  constructor(
    protected readonly who: AccountLabel,
    protected readonly choice: LinkChoice,
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return pickLink(m.addresses[this.who], this.choice) !== undefined;
  }
  protected index(m: Model): number {
    return pickLink(m.addresses[this.who], this.choice)!;
  }
}

class Verify extends LinkCommand {
  toString(): string {
    return `verify(${this.who}, ${describeLink(this.choice)})`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const index = this.index(m);
    const link = m.addresses[this.who].links[index];
    const response = await r
      .http()
      .post('/auth/reset-password/verify')
      .send({ token: r.link(this.who, index) });
    if (link.live) {
      expectStatus(response, 200, `${this.step} (link #${index + 1} is live)`);
    } else {
      expectStatus(
        response,
        400,
        `${this.step} (link #${index + 1} ${because(link)})`,
        'INVALID_RESET_TOKEN',
      );
    }
  }
}

class ResetWith extends LinkCommand {
  constructor(
    who: AccountLabel,
    choice: LinkChoice,
    private readonly password: 'good' | 'weak',
  ) {
    super(who, choice);
  }
  toString(): string {
    return `resetWith(${this.who}, ${describeLink(this.choice)}, "${this.password}")`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const index = this.index(m);
    const address = m.addresses[this.who];
    const link = address.links[index];
    const newPassword = this.password === 'good' ? mintPassword(m) : WEAK_PASSWORD;
    const response = await r
      .http()
      .post('/auth/reset-password')
      .send({ token: r.link(this.who, index), newPassword });
    if (!link.live) {
      expectStatus(
        response,
        400,
        `${this.step} (link #${index + 1} ${because(link)})`,
        'INVALID_RESET_TOKEN',
      );
    } else if (this.password === 'weak') {
      // Refused before the token is touched: the link stays usable.
      expectStatus(response, 400, `${this.step} (weak password)`, 'WEAK_PASSWORD');
    } else {
      expectStatus(response, 200, `${this.step} (link #${index + 1} is live)`);
      changePassword(address, newPassword, this.step);
    }
  }
}

/** Two resets with one token at the same time: exactly one may win. */
class ResetPair extends LinkCommand {
  toString(): string {
    return `resetPair(${this.who}, ${describeLink(this.choice)})`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const index = this.index(m);
    const address = m.addresses[this.who];
    const link = address.links[index];
    const token = r.link(this.who, index);
    const passwords = [mintPassword(m), mintPassword(m)];
    const responses = await Promise.all(
      passwords.map((newPassword) =>
        r.http().post('/auth/reset-password').send({ token, newPassword }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    if (!link.live) {
      expectThat(
        statuses.every((status) => status === 400),
        `${this.step}: expected 400 and 400 (link #${index + 1} ${because(link)}), got ${statuses.join(' and ')}`,
      );
      return;
    }
    const winners = statuses.filter((status) => status === 200).length;
    expectThat(
      winners === 1 && statuses.includes(400),
      `${this.step}: expected exactly one 200 and one 400, got ${statuses.join(' and ')}`,
    );
    changePassword(address, passwords[statuses.indexOf(200)], this.step);
  }
}

export class Login extends LifecycleCommand {
  constructor(
    protected readonly who: Label,
    private readonly password: 'current' | 'previous' | 'wrong',
  ) {
    super();
  }
  check(): boolean {
    return true;
  }
  toString(): string {
    return `login(${this.who}, "${this.password}")`;
  }
  private passwordFor(address: AddressModel): string {
    if (this.password === 'current') return address.password ?? OTHER_STRONG_PASSWORD;
    if (this.password === 'previous') return address.previousPassword ?? WRONG_PASSWORD;
    return WRONG_PASSWORD;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const address = m.addresses[this.who];
    const response = await r
      .http()
      .post('/auth/login')
      .send({ email: r.address[this.who], password: this.passwordFor(address) });
    if (!address.registered || this.password !== 'current' || address.password === undefined) {
      const why = !address.registered
        ? 'no account'
        : address.password === undefined
          ? 'invited: no password set yet'
          : 'not the current password';
      expectStatus(response, 401, `${this.step} (${why})`, 'INVALID_CREDENTIALS');
      return;
    }
    expectStatus(response, 200, this.step);
    r.sessions[this.who].push(response.body.accessToken as string);
    address.sessions.push({ alive: true });
    // Links survive a login: whoever knows the old password must not be able to void the owner's.
  }
}

/** Commands made with the newest access token of the address, live or not. */
abstract class SessionCommand extends LifecycleCommand {
  check(m: Readonly<Model>): boolean {
    return m.addresses[this.who].sessions.length > 0;
  }
  protected newestSession(m: Model, r: Real): { alive: boolean; token: string; why: string } {
    const sessions = m.addresses[this.who].sessions;
    const session = sessions[sessions.length - 1];
    return {
      alive: session.alive,
      token: r.sessions[this.who][sessions.length - 1],
      why: `session #${sessions.length} ${session.alive ? 'is alive' : because(session)}`,
    };
  }
}

class ChangePassword extends SessionCommand {
  constructor(
    protected readonly who: AccountLabel,
    private readonly current: 'right' | 'wrong',
    private readonly next: 'good' | 'weak',
  ) {
    super();
  }
  toString(): string {
    return `changePassword(${this.who}, "${this.current}", "${this.next}")`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const address = m.addresses[this.who];
    const session = this.newestSession(m, r);
    const newPassword = this.next === 'good' ? mintPassword(m) : WEAK_PASSWORD;
    const currentPassword = this.current === 'right' ? address.password : WRONG_PASSWORD;
    const response = await r
      .http()
      .post('/auth/change-password')
      .auth(session.token, { type: 'bearer' })
      .send({ currentPassword, newPassword });
    if (!session.alive) {
      expectStatus(response, 401, `${this.step} (${session.why})`, 'UNAUTHENTICATED');
    } else if (this.current === 'wrong') {
      expectStatus(response, 401, `${this.step} (wrong password)`, 'INVALID_CREDENTIALS');
    } else if (this.next === 'weak') {
      expectStatus(response, 400, `${this.step} (weak password)`, 'WEAK_PASSWORD');
    } else {
      expectStatus(response, 204, `${this.step} (${session.why})`);
      changePassword(address, newPassword, this.step);
    }
  }
}

/** `DELETE /users/me` with the current password in the body (missing: no password field). */
class DeleteAccount extends SessionCommand {
  constructor(
    protected readonly who: AccountLabel,
    private readonly password: 'right' | 'wrong' | 'missing',
  ) {
    super();
  }
  toString(): string {
    return `deleteAccount(${this.who}, "${this.password}")`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const address = m.addresses[this.who];
    const session = this.newestSession(m, r);
    const body = {
      right: { password: address.password },
      wrong: { password: WRONG_PASSWORD },
      missing: {},
    }[this.password];
    const response = await r
      .http()
      .delete('/users/me')
      .auth(session.token, { type: 'bearer' })
      .send(body);
    if (!session.alive) {
      expectStatus(response, 401, `${this.step} (${session.why})`, 'UNAUTHENTICATED');
      return;
    }
    if (this.password !== 'right') {
      const [status, why] =
        this.password === 'wrong' ? [401, 'wrong password'] : [400, 'no password'];
      expectStatus(response, status, `${this.step} (${why})`);
      return;
    }
    expectStatus(response, 204, this.step);
    deleteAccount(address, this.step);
    const login = await r
      .http()
      .post('/auth/login')
      .send({ email: r.address[this.who], password: address.password });
    expectStatus(login, 401, `${this.step}: then logging in with the password it had`);
  }
}

/**
 * `npm run cli -- invite <address>`: an address without an account gets one without a password
 * (login refused until the invitation's link sets one); an account gets the invitation alone.
 */
class Invite extends LifecycleCommand {
  constructor(protected readonly who: AccountLabel) {
    super();
  }
  check(): boolean {
    return true;
  }
  toString(): string {
    return `invite(${this.who})`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const address = m.addresses[this.who];
    const id = await r.invite(this.who);
    if (!address.registered) {
      r.userIds[this.who] = id;
      // The last account's password must not open the new one, which has none.
      address.previousPassword = address.password;
      address.password = undefined;
      address.registered = true;
    }
    mailNewLink(address, this.step, 'invite');
  }
}

/** The account's live link passes its expiry (moved in the database: real time cannot be faked). */
class Expire extends LifecycleCommand {
  constructor(protected readonly who: AccountLabel) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    const address = m.addresses[this.who];
    return address.registered && address.links.some((link) => link.live);
  }
  toString(): string {
    return `expire(${this.who})`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    await r.expireLinks(this.who);
    endLinks(m.addresses[this.who], `${this.step} (expired)`);
    // Time past the link's end is past its code's.
    endCodes(m.addresses[this.who], `${this.step} (expired)`);
  }
}

/** The account's live code passes its expiry; its link, which lives longer, still works. */
class ExpireCode extends LifecycleCommand {
  constructor(protected readonly who: AccountLabel) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return liveCode(m.addresses[this.who]) !== undefined;
  }
  toString(): string {
    return `expireCode(${this.who})`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    await r.expireCode(this.who);
    endCodes(m.addresses[this.who], `${this.step} (expired)`);
  }
}

/**
 * Which code a command sends: the newest email's, an older email's (the one before it), or one
 * that is neither (the newest's digits plus one, or any code when none was mailed). `spaced` sends
 * it as the email shows it (`1234 5678`), else as 8 digits.
 */
export type CodeChoice = 'newest' | 'older' | 'wrong';

abstract class CodeCommand extends LifecycleCommand {
  constructor(
    protected readonly who: Label,
    protected readonly choice: CodeChoice,
    protected readonly spaced: boolean,
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    const mailed = m.addresses[this.who].codes.length;
    return this.choice === 'wrong' || mailed >= (this.choice === 'older' ? 2 : 1);
  }
  protected describeCode(): string {
    return `${this.choice}${this.spaced ? '' : ', unspaced'}`;
  }
  /** The code to send, and whether its digits are the newest code's (an older one may match). */
  protected pickCode(m: Model, r: Real): { code: string; right: boolean } {
    const mailed = m.addresses[this.who].codes.length;
    const newest = mailed > 0 ? r.code(this.who, mailed - 1).replace(' ', '') : undefined;
    const digits =
      this.choice === 'wrong'
        ? newest
          ? String((Number(newest) + 1) % 100_000_000).padStart(8, '0')
          : '12345678'
        : r.code(this.who, mailed - (this.choice === 'older' ? 2 : 1)).replace(' ', '');
    return {
      code: this.spaced ? `${digits.slice(0, 4)} ${digits.slice(4)}` : digits,
      right: digits === newest,
    };
  }
}

/** `POST /auth/reset-password/code/verify`, `tries` times in a row with the same code. */
class VerifyCode extends CodeCommand {
  constructor(
    who: Label,
    choice: CodeChoice,
    spaced: boolean,
    private readonly tries: number,
  ) {
    super(who, choice, spaced);
  }
  toString(): string {
    return `verifyCode(${this.who}, ${this.describeCode()}${this.tries > 1 ? `, ×${this.tries}` : ''})`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const address = m.addresses[this.who];
    const { code, right } = this.pickCode(m, r);
    for (let attempt = 1; attempt <= this.tries; attempt++) {
      const response = await r
        .http()
        .post('/auth/reset-password/code/verify')
        .send({ email: r.address[this.who], code });
      const what = `${this.step}, try ${attempt}`;
      const outcome = tryCode(address, right, this.step);
      if (!outcome.accepted) {
        expectStatus(response, 400, `${what} (${outcome.why})`, 'INVALID_RESET_CODE');
        continue;
      }
      expectStatus(response, 200, `${what} (the live code)`);
      const index = address.codes.length - 1;
      expectCodeLifetime(response.body.expiresAt, r.resetAskedAt[this.who][index], what);
    }
  }
}

/** `POST /auth/reset-password/code`: the code is checked before the password. */
class ResetWithCode extends CodeCommand {
  constructor(
    who: Label,
    choice: CodeChoice,
    spaced: boolean,
    private readonly password: 'good' | 'weak',
  ) {
    super(who, choice, spaced);
  }
  toString(): string {
    return `resetWithCode(${this.who}, ${this.describeCode()}, "${this.password}")`;
  }
  protected async act(m: Model, r: Real): Promise<void> {
    const address = m.addresses[this.who];
    const { code, right } = this.pickCode(m, r);
    const newPassword = this.password === 'good' ? mintPassword(m) : WEAK_PASSWORD;
    const response = await r
      .http()
      .post('/auth/reset-password/code')
      .send({ email: r.address[this.who], code, newPassword });
    const outcome = tryCode(address, right, this.step);
    if (!outcome.accepted) {
      expectStatus(response, 400, `${this.step} (${outcome.why})`, 'INVALID_RESET_CODE');
    } else if (this.password === 'weak') {
      // Refused after the code is checked and before it is used: it stays usable.
      expectStatus(response, 400, `${this.step} (weak password)`, 'WEAK_PASSWORD');
    } else {
      expectStatus(response, 200, `${this.step} (the live code)`);
      // Like a reset by link: the link goes with the code, sessions end, the owner is told.
      changePassword(address, newPassword, this.step);
    }
  }
}

/** One of `choices`, drawn in proportion to the weights; shrinks towards the first. */
function weightedPick<T>(...choices: [T, number][]): Arbitrary<T> {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  return fc.integer({ min: 0, max: total - 1 }).map((n) => {
    for (const [value, weight] of choices) {
      if (n < weight) return value;
      n -= weight;
    }
    throw new Error('unreachable');
  });
}

/** `a` most often, so commands meet on one account; shrinks towards `a`. */
const account = weightedPick<AccountLabel>(['a', 6], ['b', 2], ['c', 1]);
const anyAddress = weightedPick<Label>(['a', 6], ['b', 2], ['c', 1], [GHOST, 1]);
const linkChoice = weightedPick<LinkChoice>(
  [{ kind: 'newest' }, 3],
  [{ kind: 'older', back: 1 }, 1],
  [{ kind: 'older', back: 2 }, 1],
);
const goodOrWeak = fc.constantFrom('good' as const, 'weak' as const);
const codeChoice = weightedPick<CodeChoice>(['newest', 3], ['older', 1], ['wrong', 2]);
/**
 * A wrong code is often tried over and over, as a guesser would: five tries burn a code, and ten
 * refused codes lock the network out, which single tries in a short sequence would rarely reach.
 */
const codeTries = weightedPick<number>([1, 3], [5, 2], [10, 2]);

/** Every command, weighted towards the ones that create state the others act on. */
export function lifecycleCommand(): Arbitrary<LifecycleCommand> {
  const commands: [number, Arbitrary<LifecycleCommand>][] = [
    [2, account.map((who) => new Register(who))],
    [6, anyAddress.map((who) => new Forgot(who))],
    [1, anyAddress.map((who) => new ReadMail(who))],
    [2, fc.tuple(account, linkChoice).map(([who, choice]) => new Verify(who, choice))],
    [
      4,
      fc
        .tuple(account, linkChoice, goodOrWeak)
        .map(([who, choice, password]) => new ResetWith(who, choice, password)),
    ],
    [1, fc.tuple(account, linkChoice).map(([who, choice]) => new ResetPair(who, choice))],
    [
      4,
      fc
        .tuple(
          anyAddress,
          weightedPick<'current' | 'previous' | 'wrong'>(
            ['current', 2],
            ['previous', 1],
            ['wrong', 1],
          ),
        )
        .map(([who, password]) => new Login(who, password)),
    ],
    [
      3,
      fc
        .tuple(account, weightedPick<'right' | 'wrong'>(['right', 3], ['wrong', 1]), goodOrWeak)
        .map(([who, current, next]) => new ChangePassword(who, current, next)),
    ],
    [
      2,
      fc
        .tuple(
          account,
          weightedPick<'right' | 'wrong' | 'missing'>(['right', 2], ['wrong', 1], ['missing', 1]),
        )
        .map(([who, password]) => new DeleteAccount(who, password)),
    ],
    [1, account.map((who) => new Expire(who))],
    [1, account.map((who) => new Invite(who))],
    [
      3,
      fc
        .tuple(anyAddress, codeChoice, fc.boolean(), codeTries)
        .map(
          ([who, choice, spaced, tries]) =>
            new VerifyCode(who, choice, spaced, choice === 'wrong' ? tries : 1),
        ),
    ],
    [
      3,
      fc
        .tuple(anyAddress, codeChoice, fc.boolean(), goodOrWeak)
        .map(([who, choice, spaced, password]) => new ResetWithCode(who, choice, spaced, password)),
    ],
    [1, account.map((who) => new ExpireCode(who))],
  ];
  return fc.oneof(...commands.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}
