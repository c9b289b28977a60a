import { Controller, Delete, Get, HttpCode, HttpStatus, Ip, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiBadRequest,
  ApiJsonBodyRefusals,
  ApiRateLimited,
  ApiUnauthorized,
  ERROR_EXAMPLES,
  invalidBody,
} from '../http/error-responses.decorators';
import { PasswordResetRoutes } from '../http/password-reset-routes.decorator';
import { Valid, ValidBody } from '../http/valid-body.decorator';
import { RateLimit } from '../limits/per-ip/rate-limit.decorator';
import { ACCESS_TOKEN_SCHEME, AccessTokenGuard } from './access-tokens/access-token.guard';
import { CurrentAccount, CurrentUser } from './access-tokens/current-user.decorator';
import { AccountsService } from './accounts.service';
import { DeleteAccountDto } from './dto/delete-account.dto';
import { UserResponseDto } from './dto/user-response.dto';

/**
 * The signed-in owner's own account (built-in accounts only), tagged `apiTag` like every route of
 * the module.
 */
@ApiBearerAuth(ACCESS_TOKEN_SCHEME)
@PasswordResetRoutes()
@Controller('users')
export class MeController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('me')
  @UseGuards(AccessTokenGuard)
  @ApiOperation({
    operationId: 'getMe',
    summary: 'The account behind the access token',
    description:
      'Needs an access token (the `accessToken` scheme). Tokens issued before the last password ' +
      'change or reset are refused. Not limited per IP.',
  })
  @ApiOkResponse({ type: UserResponseDto, description: 'The signed-in account' })
  @ApiUnauthorized(
    'No access token, or one that is invalid, expired or ended by a password change',
    ERROR_EXAMPLES.noAccessToken,
  )
  me(@CurrentUser() user: CurrentAccount): UserResponseDto {
    return UserResponseDto.from(user);
  }

  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimit('changePassword')
  @UseGuards(AccessTokenGuard)
  @ApiOperation({
    operationId: 'deleteMe',
    summary: 'Delete the signed-in account',
    description:
      'Needs an access token (the `accessToken` scheme) and the current password, which counts as a ' +
      'failed login when wrong. The account and its reset links are deleted at once.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiBadRequest(
    'The body is invalid',
    invalidBody('password must be longer than or equal to 1 characters'),
  )
  @ApiUnauthorized(
    'No valid access token, or a wrong password',
    ERROR_EXAMPLES.noAccessToken,
    ERROR_EXAMPLES.wrongCurrentPassword,
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited(
    'Too many password changes or deletions from this IP (the change-password limit, shared with changePassword)',
  )
  async deleteMe(
    @CurrentUser() user: CurrentAccount,
    @ValidBody(DeleteAccountDto) body: Valid<DeleteAccountDto>,
    @Ip() clientIp: string,
  ): Promise<void> {
    await this.accounts.deleteAccount(user, body.password, clientIp);
  }
}
