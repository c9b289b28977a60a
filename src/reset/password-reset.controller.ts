import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import { PasswordResetRoutes } from '../http/password-reset-routes.decorator';
import { MessageResponseDto, VerifyResetTokenResponseDto } from '../http/responses.dto';
import { RateLimit } from '../limits/per-ip/rate-limit.decorator';
import { ForgotPasswordDto, ResetPasswordDto, VerifyResetTokenDto } from './dto/password-reset.dto';
import { PasswordResetService } from './password-reset.service';

/** Same words for every address, so the answer says nothing about which accounts exist. */
export const FORGOT_PASSWORD_MESSAGE =
  'If an account exists for that address, we have sent it a link to reset the password.';
export const RESET_DONE_MESSAGE = 'Your password has been changed. Sign in with your new password.';

/** The reset flow's routes: mounted with the host's users and with the built-in ones. */
@ApiTags('auth')
@PasswordResetRoutes()
@Controller('auth')
export class PasswordResetController {
  constructor(private readonly passwordReset: PasswordResetService) {}

  @Post('forgot-password')
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimit('forgotPassword')
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Too many requests from this IP; see Retry-After',
  })
  @ApiOperation({
    summary: 'Ask for a reset link by email',
    description: 'The answer is the same whether or not the address has an account.',
  })
  @ApiAcceptedResponse({ type: MessageResponseDto })
  async forgotPassword(@Body() body: ForgotPasswordDto): Promise<MessageResponseDto> {
    await this.passwordReset.requestReset(body.email);
    return { message: FORGOT_PASSWORD_MESSAGE };
  }

  @Post('reset-password/verify')
  @HttpCode(HttpStatus.OK)
  @RateLimit('resetPassword')
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Shares the reset limit; see Retry-After',
  })
  @ApiOperation({
    summary: 'Check a reset token without using it',
    description: 'For a reset page to show the form or an error.',
  })
  @ApiOkResponse({ type: VerifyResetTokenResponseDto })
  async verifyResetToken(@Body() body: VerifyResetTokenDto): Promise<VerifyResetTokenResponseDto> {
    const expiresAt = await this.passwordReset.verify(body.token);
    return { expiresAt: expiresAt.toISOString() };
  }

  @Post('reset-password')
  @HttpCode(HttpStatus.OK)
  @RateLimit('resetPassword')
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Too many attempts from this IP; see Retry-After',
  })
  @ApiOperation({
    summary: 'Set a new password with a reset token',
    description:
      'Signs out every session. Does not sign in: the client sends the user to the login form.',
  })
  @ApiOkResponse({ type: MessageResponseDto })
  async resetPassword(@Body() body: ResetPasswordDto): Promise<MessageResponseDto> {
    await this.passwordReset.reset(body.token, body.newPassword);
    return { message: RESET_DONE_MESSAGE };
  }
}
