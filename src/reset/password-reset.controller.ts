import { Controller, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiBadRequest,
  ApiBusy,
  ApiJsonBodyRefusals,
  ApiRateLimited,
  ERROR_EXAMPLES,
  invalidBody,
} from '../http/error-responses.decorators';
import { PasswordResetRoutes } from '../http/password-reset-routes.decorator';
import { RequestLanguages } from '../http/request-languages.decorator';
import { matchLocale } from '../i18n/locale-tags';
import { MailService } from '../mail/mail.service';
import { Valid, ValidBody } from '../http/valid-body.decorator';
import { MessageResponseDto, VerifyResetTokenResponseDto } from '../http/responses.dto';
import { RateLimit } from '../limits/per-ip/rate-limit.decorator';
import { ForgotPasswordDto, ResetPasswordDto, VerifyResetTokenDto } from './dto/password-reset.dto';
import { ResetPasswordWithCodeDto, VerifyResetCodeDto } from './dto/reset-code.dto';
import { PasswordResetService, RequestLanguage } from './password-reset.service';
import { ResetCodesService } from './reset-codes.service';

/** Same words for every address, so the answer says nothing about which accounts exist. */
export const FORGOT_PASSWORD_MESSAGE =
  'If an account exists for that address, we have sent it a link to reset the password.';
export const RESET_DONE_MESSAGE = 'Your password has been changed. Sign in with your new password.';

/**
 * The reset flow's routes: mounted with the host's users and with the built-in ones. Their OpenAPI
 * tag is the `apiTag` option, set when the options are resolved (`tagControllers`).
 */
@PasswordResetRoutes()
@Controller('auth')
export class PasswordResetController {
  constructor(
    private readonly passwordReset: PasswordResetService,
    private readonly resetCodes: ResetCodesService,
    private readonly mail: MailService,
  ) {}

  @Post('forgot-password')
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimit('forgotPassword')
  @ApiOperation({
    operationId: 'forgotPassword',
    summary: 'Ask for a reset link by email',
    description:
      'Answers 202 with the same body and headers for every well-formed address, with or without ' +
      'an account, after the same work: the request is recorded, and handled after the answer. ' +
      'An address with an account is sent an email with a link that holds the token in its fragment ' +
      '(`#token=…`), and its older links end; an address without one is sent nothing. Per address ' +
      'and client network (IPv4 /24, IPv6 /56), at most one email per cooldown and a number a day ' +
      '(by default one a minute, five a day); per address from all networks together, at most a ' +
      'number a day (by default 20). Requests past any of them get the same 202 and send nothing, ' +
      'so requests from elsewhere cannot use up the emails an owner asks for from their own network.',
  })
  @ApiAcceptedResponse({
    type: MessageResponseDto,
    description: 'Accepted: the same answer for every well-formed address',
    example: { message: FORGOT_PASSWORD_MESSAGE },
  })
  @ApiBadRequest(
    'The address is malformed (the message says why) or the body is invalid',
    invalidBody('email must not contain spaces'),
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited('Too many requests from this IP (the forgot-password limit)')
  async forgotPassword(
    @ValidBody(ForgotPasswordDto) body: Valid<ForgotPasswordDto>,
    @Ip() clientIp: string,
    @RequestLanguages() languages: readonly string[],
  ): Promise<MessageResponseDto> {
    await this.passwordReset.requestReset(body.email, clientIp, this.language(languages));
    return { message: FORGOT_PASSWORD_MESSAGE };
  }

  @Post('reset-password/verify')
  @HttpCode(HttpStatus.OK)
  @RateLimit('resetPassword')
  @ApiOperation({
    operationId: 'verifyResetToken',
    summary: 'Check a reset token without using it',
    description:
      'For a reset page, to show the form or a "this link has expired" state. Does not use the ' +
      'token up. Unknown, used, expired and replaced tokens all get the same 400 ' +
      '(`INVALID_RESET_TOKEN`), so an answer never says which. Counts against the same per-IP ' +
      'limit as resetPassword.',
  })
  @ApiOkResponse({
    type: VerifyResetTokenResponseDto,
    description: 'The token is live until expiresAt',
  })
  @ApiBadRequest(
    'The body is invalid, or the token is not live (one answer whatever the reason)',
    invalidBody('token should not be empty'),
    ERROR_EXAMPLES.invalidResetToken,
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited(
    'Too many reset attempts from this IP (the reset limit, shared with resetPassword)',
  )
  async verifyResetToken(
    @ValidBody(VerifyResetTokenDto) body: Valid<VerifyResetTokenDto>,
  ): Promise<VerifyResetTokenResponseDto> {
    const expiresAt = await this.passwordReset.verify(body.token);
    return { expiresAt: expiresAt.toISOString() };
  }

  @Post('reset-password')
  @HttpCode(HttpStatus.OK)
  @RateLimit('resetPassword')
  @ApiOperation({
    operationId: 'resetPassword',
    summary: 'Set a new password with a reset token',
    description:
      'Checks the token, then the new password (a refused password leaves the link usable), then ' +
      'uses the token up and sets the password in one transaction: of concurrent requests with one ' +
      'token, exactly one succeeds. Every session and every reset link of the account ends, and ' +
      'the owner is emailed that the password changed. Nobody is signed in: send the user to sign ' +
      'in with the new password.',
  })
  @ApiOkResponse({
    type: MessageResponseDto,
    description: 'Changed; nobody is signed in',
    example: { message: RESET_DONE_MESSAGE },
  })
  @ApiBadRequest(
    'The body is invalid, the token is not live (one answer whatever the reason), or the new ' +
      'password is too easy to guess (the message says why, in the language of Accept-Language; ' +
      'the link still works)',
    invalidBody('newPassword must be longer than or equal to 8 characters'),
    ERROR_EXAMPLES.invalidResetToken,
    ERROR_EXAMPLES.weakPassword,
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited(
    'Too many reset attempts from this IP (the reset limit, shared with verifyResetToken)',
  )
  @ApiBusy()
  async resetPassword(
    @ValidBody(ResetPasswordDto) body: Valid<ResetPasswordDto>,
    @RequestLanguages() languages: readonly string[],
  ): Promise<MessageResponseDto> {
    await this.passwordReset.reset(body.token, body.newPassword, this.language(languages));
    return { message: RESET_DONE_MESSAGE };
  }

  @Post('reset-password/code/verify')
  @HttpCode(HttpStatus.OK)
  @RateLimit('resetPassword')
  @ApiOperation({
    operationId: 'verifyResetCode',
    summary: 'Check a reset code without using it',
    description:
      'For an app, to show the new-password form once the code from the reset email is typed in ' +
      '(with or without its space); the email has a code only when the service sends codes ' +
      '(RESET_CODE_ENABLED). Does not use the code up; a wrong code counts as one of its five ' +
      'tries, after which it is burnt (the link still works). A wrong, expired, used, burnt or ' +
      'replaced code and an unknown address all get the same 400 (`INVALID_RESET_CODE`) after the ' +
      'same work, as does every code for an address from a client network (IPv4 /24, IPv6 /56) ' +
      'past 10 wrong codes for it in 15 minutes, until those 15 minutes end. Counts against the ' +
      'same per-IP limit as resetPassword.',
  })
  @ApiOkResponse({
    type: VerifyResetTokenResponseDto,
    description: 'The code works until expiresAt',
  })
  @ApiBadRequest(
    'The body is invalid, or the code does not work (one answer whatever the reason)',
    invalidBody('code must be 8 digits, such as 1234 5678'),
    ERROR_EXAMPLES.invalidResetCode,
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited(
    'Too many reset attempts from this IP (the reset limit, shared with resetPassword)',
  )
  async verifyResetCode(
    @ValidBody(VerifyResetCodeDto) body: Valid<VerifyResetCodeDto>,
    @Ip() clientIp: string,
  ): Promise<VerifyResetTokenResponseDto> {
    const expiresAt = await this.resetCodes.verify(body.email, body.code, clientIp);
    return { expiresAt: expiresAt.toISOString() };
  }

  @Post('reset-password/code')
  @HttpCode(HttpStatus.OK)
  @RateLimit('resetPassword')
  @ApiOperation({
    operationId: 'resetPasswordWithCode',
    summary: 'Set a new password with the code of a reset email',
    description:
      'Like resetPassword, with the address and the 8-digit code of the reset email instead of ' +
      "the link's token. Checks the code (as verifyResetCode, with the same single 400), then the " +
      'new password (a refused password leaves the code usable), then uses the code and its link ' +
      'up and sets the password in one transaction: of concurrent requests with one code, exactly ' +
      'one succeeds. Every session and every reset link of the account ends, and the owner is ' +
      'emailed that the password changed. Nobody is signed in.',
  })
  @ApiOkResponse({
    type: MessageResponseDto,
    description: 'Changed; nobody is signed in',
    example: { message: RESET_DONE_MESSAGE },
  })
  @ApiBadRequest(
    'The body is invalid, the code does not work (one answer whatever the reason), or the new ' +
      'password is too easy to guess (the message says why, in the language of Accept-Language; ' +
      'the code still works)',
    invalidBody('code must be 8 digits, such as 1234 5678'),
    ERROR_EXAMPLES.invalidResetCode,
    ERROR_EXAMPLES.weakPassword,
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited(
    'Too many reset attempts from this IP (the reset limit, shared with resetPassword)',
  )
  @ApiBusy()
  async resetPasswordWithCode(
    @ValidBody(ResetPasswordWithCodeDto) body: Valid<ResetPasswordWithCodeDto>,
    @Ip() clientIp: string,
    @RequestLanguages() languages: readonly string[],
  ): Promise<MessageResponseDto> {
    await this.resetCodes.reset(
      body.email,
      body.code,
      body.newPassword,
      clientIp,
      this.language(languages),
    );
    return { message: RESET_DONE_MESSAGE };
  }

  /** The request's languages, and the email locale they come closest to, if any. */
  private language(languages: readonly string[]): RequestLanguage {
    return { locale: matchLocale(languages, this.mail.supportedLocales), languages };
  }
}
