import { Body, Controller, Get, HttpCode, Post, UnauthorizedException } from '@nestjs/common';
import { AccountsService } from './accounts.service';

/** The host's own routes, which the module's pipe, filter and limits must leave alone. */
@Controller()
export class HostController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('ping')
  ping(): { pong: true } {
    return { pong: true };
  }

  /** Answers with whatever JSON it was sent: no validation here, by the host's choice. */
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return body;
  }

  /** The host's own login check (its sessions are not the module's business). */
  @Post('accounts/login')
  @HttpCode(200)
  async login(
    @Body() body: { email?: unknown; password?: unknown },
  ): Promise<{ accountId: string; sessionVersion: number }> {
    const account =
      typeof body.email === 'string' && typeof body.password === 'string'
        ? await this.accounts.authenticate(body.email, body.password)
        : null;
    if (!account) throw new UnauthorizedException();
    return { accountId: account.id, sessionVersion: account.sessionVersion };
  }
}
