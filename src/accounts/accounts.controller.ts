import { Controller, HttpCode, HttpStatus, Ip, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import {
  ApiBadRequest,
  ApiBusy,
  ApiErrorResponse,
  ApiJsonBodyRefusals,
  ApiRateLimited,
  ApiUnauthorized,
  ERROR_EXAMPLES,
  invalidBody,
} from '../http/error-responses.decorators';
import { RateLimit } from '../limits/per-ip/rate-limit.decorator';
import { ACCESS_TOKEN_SCHEME, AccessTokenGuard } from './access-tokens/access-token.guard';
import { CurrentAccount, CurrentUser } from './access-tokens/current-user.decorator';
import { UserResponseDto } from './dto/user-response.dto';
import { AccountsService } from './accounts.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto, RegisterDto } from './dto/credentials.dto';
import { AccessTokenResponseDto, MessageResponseDto } from '../http/responses.dto';
import type { Response } from 'express';
import { PasswordResetRoutes } from '../http/password-reset-routes.decorator';
import { Valid, ValidBody } from '../http/valid-body.decorator';
import { RequestLanguages } from '../http/request-languages.decorator';

/**
 * The one answer of an enumeration-safe sign-up, for a new and a taken address alike: it may not say
 * which, so it says what to do in both cases.
 */
export const SIGN_UP_ACCEPTED_MESSAGE =
  'If this address was free, your account is ready: sign in with your password. If it already ' +
  'has an account, check your email for how to sign in or reset your password.';

/**
 * The built-in accounts' sign-up, sign-in and password change (mounted without the host's `users`),
 * tagged `apiTag` like every route of the module.
 */
@PasswordResetRoutes()
@Controller('auth')
export class AccountsController {
  constructor(private readonly auth: AccountsService) {}

  @Post('register')
  @RateLimit('register')
  @ApiOperation({
    operationId: 'register',
    summary: 'Create an account',
    description:
      'Creates an account with the built-in users. The address is normalised first (NFC, ' +
      'trimmed, lower-cased, the domain in punycode); the password must not be easy to guess ' +
      '(zxcvbn, with the address as a hint). `locale` and `timeZone` are optional and stored in ' +
      'canonical form; without `locale`, the email language that best matches Accept-Language is ' +
      'stored, or none. Does not sign in: call login next. How a taken address is answered ' +
      'depends on the `registration` option (`REGISTRATION_MODE`): `open` (the default) answers 201 ' +
      'with the account, or 409 for a taken address; `enumeration-safe` answers the same 202 for a ' +
      'new and a taken address, after the same work (the password is hashed either way), creates ' +
      "the new address's account and emails the owner of a taken one how to sign in or reset the " +
      'password (at most as many emails as reset emails); a weak password is a 400 in both modes.',
  })
  @ApiCreatedResponse({
    type: UserResponseDto,
    description: 'Created (registration `open`)',
  })
  @ApiAcceptedResponse({
    type: MessageResponseDto,
    description:
      'Accepted (registration `enumeration-safe`): the same answer for a new and a taken address',
    example: { message: SIGN_UP_ACCEPTED_MESSAGE },
  })
  @ApiBadRequest(
    'The body is invalid, or the password is too easy to guess (the message says why, in the ' +
      'language of Accept-Language)',
    invalidBody(
      'email must not contain spaces',
      'password must be longer than or equal to 8 characters',
    ),
    ERROR_EXAMPLES.weakPassword,
  )
  @ApiErrorResponse(
    HttpStatus.CONFLICT,
    'The address already has an account (registration `open`)',
    [ERROR_EXAMPLES.emailTaken],
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited('Too many sign-ups from this IP (the register limit)')
  @ApiBusy()
  async register(
    @ValidBody(RegisterDto) body: Valid<RegisterDto>,
    @RequestLanguages() languages: readonly string[],
    @Ip() clientIp: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserResponseDto | MessageResponseDto> {
    const { email, password, locale, timeZone } = body;
    const outcome = await this.auth.signUp(email, password, {
      locale,
      timeZone,
      languages,
      clientIp,
    });
    if (outcome.kind === 'created') return UserResponseDto.from(outcome.account);
    response.status(HttpStatus.ACCEPTED);
    return { message: SIGN_UP_ACCEPTED_MESSAGE };
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @RateLimit('login')
  @ApiOperation({
    operationId: 'login',
    summary: 'Exchange email and password for an access token',
    description:
      'Answers the same 401 for an unknown address, a wrong password and an address locked ' +
      'after too many failures, after the same password-hashing work. A login leaves the ' +
      "account's reset links alone. The access token goes in " +
      '`Authorization: Bearer …` (the `accessToken` scheme).',
  })
  @ApiOkResponse({ type: AccessTokenResponseDto, description: 'Signed in' })
  @ApiBadRequest(
    'The body is invalid',
    invalidBody('password must be longer than or equal to 1 characters'),
  )
  @ApiUnauthorized(
    'Unknown email, wrong password or locked address: the same answer',
    ERROR_EXAMPLES.invalidCredentials,
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited('Too many logins from this IP (the login limit)')
  login(
    @ValidBody(LoginDto) body: Valid<LoginDto>,
    @Ip() clientIp: string,
  ): Promise<AccessTokenResponseDto> {
    return this.auth.login(body.email, body.password, clientIp);
  }

  @Post('change-password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimit('changePassword')
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth(ACCESS_TOKEN_SCHEME)
  @ApiOperation({
    operationId: 'changePassword',
    summary: 'Change the password of the signed-in account',
    description:
      'Needs an access token (the `accessToken` scheme) and the current password; a wrong current ' +
      'password counts as a failed login. Every access token, this one included, and every reset ' +
      'link of the account ends, and the owner is emailed that the password changed: sign in again.',
  })
  @ApiNoContentResponse({ description: 'Changed. Sign in again.' })
  @ApiBadRequest(
    'The body is invalid, or the new password is too easy to guess (the message says why, in the ' +
      'language of Accept-Language)',
    invalidBody('newPassword must be longer than or equal to 8 characters'),
    ERROR_EXAMPLES.weakPassword,
  )
  @ApiUnauthorized(
    'No valid access token, or a wrong current password',
    ERROR_EXAMPLES.noAccessToken,
    ERROR_EXAMPLES.wrongCurrentPassword,
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited(
    'Too many password changes, deletions or account updates from this IP (the change-password limit, shared with deleteMe and updateMe)',
  )
  @ApiBusy()
  async changePassword(
    @CurrentUser() user: CurrentAccount,
    @ValidBody(ChangePasswordDto) body: Valid<ChangePasswordDto>,
    @Ip() clientIp: string,
    @RequestLanguages() languages: readonly string[],
  ): Promise<void> {
    await this.auth.changePassword(user, body.currentPassword, body.newPassword, clientIp, {
      languages,
    });
  }
}
