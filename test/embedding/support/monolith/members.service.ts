import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { hashPassword, verifyPassword } from '../host/scrypt-password';
import { Member } from './member.entity';

/** A session of the monolith: opaque, held in memory, valid while its version is the member's. */
interface Session {
  memberId: number;
  sessionVersion: number;
}

/** The monolith's own accounts and sessions; it knows nothing of password resets. */
@Injectable()
export class MembersService {
  private readonly sessions = new Map<string, Session>();

  constructor(@InjectRepository(Member) private readonly members: Repository<Member>) {}

  async create(email: string, password: string): Promise<Member> {
    return this.members.save(
      this.members.create({ email, passwordHash: await hashPassword(password) }),
    );
  }

  /** A session token when the password is right, else null. */
  async login(email: string, password: string): Promise<string | null> {
    const member = await this.members.findOneBy({
      email: email.trim().toLowerCase(),
      deleted: false,
    });
    if (!member || !(await verifyPassword(password, member.passwordHash))) return null;
    const token = randomBytes(24).toString('base64url');
    this.sessions.set(token, { memberId: member.id, sessionVersion: member.sessionVersion });
    return token;
  }

  /** The member behind a session token, while that session is still valid. */
  async fromSession(token: string): Promise<Member | null> {
    const session = this.sessions.get(token);
    if (!session) return null;
    const member = await this.members.findOneBy({ id: session.memberId, deleted: false });
    return member && member.sessionVersion === session.sessionVersion ? member : null;
  }
}
