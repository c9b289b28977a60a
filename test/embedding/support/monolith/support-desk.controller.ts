import { Controller, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { PasswordResetService } from '../../../../src';

/**
 * A module of the monolith that never imports `PasswordResetModule`: it gets the service because
 * the module was registered with `isGlobal`.
 */
@Controller('support')
export class SupportDeskController {
  constructor(private readonly passwordReset: PasswordResetService) {}

  /** A support agent locks a member out of recovery, e.g. after a takeover report. */
  @Post('members/:id/revoke-links')
  @HttpCode(204)
  async revokeLinks(@Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.passwordReset.revokeLinks(String(id));
  }
}
