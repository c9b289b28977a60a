import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { Account } from './account.entity';
import { hashPassword, verifyPassword } from './scrypt-password';

/** The host's own account logic, which knows nothing of password resets. */
@Injectable()
export class AccountsService {
  constructor(@InjectRepository(Account) private readonly accounts: Repository<Account>) {}

  async create(email: string, password: string): Promise<Account> {
    return this.accounts.save(
      this.accounts.create({ id: randomUUID(), email, passwordHash: await hashPassword(password) }),
    );
  }

  /** The host's login check: the account when the password is right, else null. */
  async authenticate(email: string, password: string): Promise<Account | null> {
    const account = await this.accounts.findOneBy({ email: email.trim().toLowerCase() });
    if (!account) return null;
    return (await verifyPassword(password, account.passwordHash)) ? account : null;
  }

  find(id: string): Promise<Account | null> {
    return this.accounts.findOneBy({ id });
  }
}
