import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { normalizeEmail } from '../../common/email-address';

interface Row {
  id: string;
  email: string;
}

/**
 * Addresses are compared in one normal form from now on (`normalizeEmail`: NFC, trimmed, lower-cased,
 * the domain in punycode); rows written before were only trimmed and lower-cased. This rewrites
 * `users.email` and the non-empty `password_reset_requests.email` to that form, so that someone who
 * registered as `alice@bücher.de` (now looked up as `alice@xn--bcher-kva.de`) can still log in.
 *
 * Two accounts whose addresses normalise alike (`dave@bücher.de` and `dave@xn--bcher-kva.de`, or an
 * NFC and an NFD spelling) cannot both have it: an account already stored in normal form keeps it,
 * otherwise the one created first gets it. The other is left unchanged, and a warning names both
 * accounts by id (never by address) for an operator to settle; its old address is no longer accepted
 * as input, so it cannot log in until then. An address the new rules refuse (a quoted local part,
 * inner whitespace, a control character) is left unchanged with a warning too. Nothing fails: a
 * migration that stopped the service from starting over one odd row would hurt every other user.
 *
 * Uses the application's `normalizeEmail` on purpose, so stored addresses are exactly what requests
 * are normalised to; if those rules change, they need a migration of their own.
 */
export class NormalizeEmails1764400000000 implements MigrationInterface {
  name = 'NormalizeEmails1764400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const logger = new Logger(this.name);
    const placeholder = (n: number): string =>
      queryRunner.connection.driver.options.type === 'postgres' ? `$${n}` : '?';
    const update = `SET email = ${placeholder(1)} WHERE id = ${placeholder(2)}`;

    const users = (await queryRunner.query(
      'SELECT id, email FROM users ORDER BY created_at, id',
    )) as Row[];
    // Normal forms are fixed points, so a rewritten row can never take an address still to be freed.
    const holders = new Map<string, string>();
    const changes: Row[] = [];
    for (const user of users) {
      const result = normalizeEmail(user.email);
      if (!result.ok) {
        logger.warn(`user ${user.id} left unchanged: its address ${result.reason}`);
      } else if (result.email === user.email) {
        holders.set(user.email, user.id);
      } else {
        changes.push({ id: user.id, email: result.email });
      }
    }
    for (const change of changes) {
      const holder = holders.get(change.email);
      if (holder !== undefined) {
        logger.warn(
          `user ${change.id} left unchanged: its address normalises to that of user ${holder}`,
        );
        continue;
      }
      holders.set(change.email, change.id);
      await queryRunner.query(`UPDATE users ${update}`, [change.email, change.id]);
    }

    const requests = (await queryRunner.query(
      "SELECT id, email FROM password_reset_requests WHERE email <> ''",
    )) as Row[];
    for (const request of requests) {
      const result = normalizeEmail(request.email);
      if (result.ok && result.email !== request.email) {
        await queryRunner.query(`UPDATE password_reset_requests ${update}`, [
          result.email,
          request.id,
        ]);
      }
    }
  }

  /**
   * Nothing to undo: the old spellings are gone, and the normal forms are valid under the old rules
   * too (an internationalised address then has to be typed in its punycode form).
   */
  public async down(): Promise<void> {}
}
