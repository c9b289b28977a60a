import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PasswordResetUsers, ResetUser } from '../../../../src';
import { Account } from './account.entity';
import { ResetUsersProbe } from './reset-users.probe';
import { hashPassword } from './scrypt-password';

/** The host's users port: its accounts table, its hashing, its sessions. */
@Injectable()
export class AccountsResetUsers extends PasswordResetUsers {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    private readonly probe: ResetUsersProbe,
  ) {
    super();
  }

  async findByEmail(email: string): Promise<ResetUser | null> {
    this.probe.lookups.push(email);
    return toResetUser(await this.accounts.findOneBy({ email }));
  }

  async findById(id: string): Promise<ResetUser | null> {
    return toResetUser(await this.accounts.findOneBy({ id }));
  }

  /** Inside the module's transaction: new scrypt hash, and every session of the account ends. */
  async setPassword(userId: string, newPassword: string, manager: EntityManager): Promise<void> {
    this.probe.setPasswordCalls.push({
      userId,
      inTransaction: manager.queryRunner?.isTransactionActive ?? false,
    });
    const passwordHash = await hashPassword(newPassword);
    await manager
      .createQueryBuilder()
      .update(Account)
      .set({ passwordHash, sessionVersion: () => 'session_version + 1' })
      .where('id = :id', { id: userId })
      .execute();
  }
}

function toResetUser(account: Account | null): ResetUser | null {
  return account && { id: account.id, email: account.email };
}
