import { Body, Controller, HttpCode, HttpStatus, Ip, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import { RateLimit } from '../limits/per-ip/rate-limit.decorator';
import { AccessTokenGuard } from './access-tokens/access-token.guard';
import { CurrentUser } from './access-tokens/current-user.decorator';
import { UserResponseDto } from './dto/user-response.dto';
import { UserAccount } from './user-account.entity';
import { AccountsService } from './accounts.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto, RegisterDto } from './dto/credentials.dto';
import { AccessTokenResponseDto } from '../http/responses.dto';
import { PasswordResetRoutes } from '../http/password-reset-routes.decorator';

/** The built-in accounts' sign-up, sign-in and password change (mounted without the host's `users`). */
@ApiTags('auth')
@PasswordResetRoutes()
@Controller('auth')
export class AccountsController {
  constructor(private readonly auth: AccountsService) {}

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
  @RateLimit('changePassword')
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
    @CurrentUser() user: UserAccount,
    @Body() body: ChangePasswordDto,
    @Ip() clientIp: string,
  ): Promise<void> {
    await this.auth.changePassword(user, body.currentPassword, body.newPassword, clientIp);
  }
}
