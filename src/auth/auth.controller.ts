import { Body, Controller, HttpCode, HttpStatus, Ip, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { RateLimit } from '../throttling/rate-limit.decorator';
import { AccessTokenGuard } from '../users/access-token.guard';
import { CurrentUser } from '../users/current-user.decorator';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { User } from '../users/user.entity';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto, RegisterDto } from './dto/credentials.dto';
import { ForgotPasswordDto, ResetPasswordDto, VerifyResetTokenDto } from './dto/password-reset.dto';
import {
  AccessTokenResponseDto,
  MessageResponseDto,
  VerifyResetTokenResponseDto,
} from './dto/responses.dto';
import { PasswordResetService } from './password-reset.service';

/** Same words for every address, so the answer says nothing about which accounts exist. */
export const FORGOT_PASSWORD_MESSAGE =
  'If an account exists for that address, we have sent it a link to reset the password.';
export const RESET_DONE_MESSAGE = 'Your password has been changed. Sign in with your new password.';

@ApiTags('auth')
@ApiBadRequestResponse({
  type: ErrorResponseDto,
  description: 'Invalid body: the message says which field and why',
})
@ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'Body over 100 kB' })
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passwordReset: PasswordResetService,
  ) {}

  @Post('register')
  @RateLimit('register')
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Too many sign-ups from this IP; see Retry-After',
  })
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The email already has an account' })
  async register(@Body() body: RegisterDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.auth.register(body.email, body.password));
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @RateLimit('login')
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Too many logins from this IP; see Retry-After',
  })
  @ApiOperation({ summary: 'Exchange email and password for an access token' })
  @ApiOkResponse({ type: AccessTokenResponseDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'Unknown email or wrong password (same answer)',
  })
  login(@Body() body: LoginDto, @Ip() clientIp: string): Promise<AccessTokenResponseDto> {
    return this.auth.login(body.email, body.password, clientIp);
  }

  @Post('change-password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimit('change-password')
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Too many password changes or deletions from this IP; see Retry-After',
  })
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the password; signs out every session and emails the owner' })
  @ApiNoContentResponse({ description: 'Changed. Sign in again.' })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'No valid token, or wrong current password (which counts as a failed login)',
  })
  async changePassword(
    @CurrentUser() user: User,
    @Body() body: ChangePasswordDto,
    @Ip() clientIp: string,
  ): Promise<void> {
    await this.auth.changePassword(user, body.currentPassword, body.newPassword, clientIp);
  }

  @Post('forgot-password')
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimit('forgot-password')
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
  @RateLimit('reset-password')
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
  @RateLimit('reset-password')
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
