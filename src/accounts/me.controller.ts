import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Ip,
  Patch,
  UseGuards,
} from '@nestjs/common';
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
import { UpdateMeDto } from './dto/update-me.dto';
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

  @Patch('me')
  @RateLimit('changePassword')
  @UseGuards(AccessTokenGuard)
  @ApiOperation({
    operationId: 'updateMe',
    summary: "Change the signed-in account's language or time zone",
    description:
      'Needs an access token (the `accessToken` scheme). Send `locale` (a BCP 47 tag), ' +
      '`timeZone` (an IANA zone) or both; each is stored in canonical form, `null` clears it, and ' +
      'a field left out stays as it is. Emails are written in the locale and show dates in the ' +
      'time zone. Answers the account as stored.',
  })
  @ApiOkResponse({ type: UserResponseDto, description: 'The account as updated' })
  @ApiBadRequest(
    'The body is invalid: a malformed language tag, an unknown time zone, or neither field',
    invalidBody('locale must be a language tag such as en, de or pt-BR, or null to clear it'),
  )
  @ApiUnauthorized(
    'No access token, or one that is invalid, expired or ended by a password change',
    ERROR_EXAMPLES.noAccessToken,
  )
  @ApiJsonBodyRefusals()
  @ApiRateLimited(
    'Too many password changes, deletions or account updates from this IP (the change-password limit, shared with changePassword and deleteMe)',
  )
  async updateMe(
    @CurrentUser() user: CurrentAccount,
    @ValidBody(UpdateMeDto) body: Valid<UpdateMeDto>,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.accounts.updatePreferences(user, body));
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
    'Too many password changes, deletions or account updates from this IP (the change-password limit, shared with changePassword and updateMe)',
  )
  async deleteMe(
    @CurrentUser() user: CurrentAccount,
    @ValidBody(DeleteAccountDto) body: Valid<DeleteAccountDto>,
    @Ip() clientIp: string,
  ): Promise<void> {
    await this.accounts.deleteAccount(user, body.password, clientIp);
  }
}
