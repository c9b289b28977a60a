import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PasswordResetUsers, ResetUser } from '../../../../src';
import { hashPassword } from '../host/scrypt-password';
import { Member } from './member.entity';

/** The adapter a monolith writes: its members table behind the module's users port. */
@Injectable()
export class MembersResetUsers extends PasswordResetUsers {
  constructor(@InjectRepository(Member) private readonly members: Repository<Member>) {
    super();
  }

  async findByEmail(email: string): Promise<ResetUser | null> {
    return toResetUser(await this.members.findOneBy({ email, deleted: false }));
  }

  async findById(id: string): Promise<ResetUser | null> {
    if (!/^\d+$/.test(id)) return null;
    return toResetUser(await this.members.findOneBy({ id: Number(id), deleted: false }));
  }

  async setPassword(userId: string, newPassword: string, manager: EntityManager): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(Member)
      .set({
        passwordHash: await hashPassword(newPassword),
        sessionVersion: () => 'session_version + 1',
      })
      .where('id = :id', { id: Number(userId) })
      .execute();
  }
}

function toResetUser(member: Member | null): ResetUser | null {
  return member && { id: String(member.id), email: member.email };
}
