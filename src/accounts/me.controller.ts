import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Ip, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import { PasswordResetRoutes } from '../http/password-reset-routes.decorator';
import { RateLimit } from '../limits/per-ip/rate-limit.decorator';
import { AccessTokenGuard } from './access-tokens/access-token.guard';
import { CurrentUser } from './access-tokens/current-user.decorator';
import { AccountsService } from './accounts.service';
import { DeleteAccountDto } from './dto/delete-account.dto';
import { UserResponseDto } from './dto/user-response.dto';
import { UserAccount } from './user-account.entity';

/** The signed-in owner's own account (built-in accounts only). */
@ApiTags('users')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponseDto,
  description: 'Missing, invalid or expired token',
})
@PasswordResetRoutes()
@Controller('users')
export class MeController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('me')
  @UseGuards(AccessTokenGuard)
  @ApiOperation({ summary: 'The account behind the access token' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() user: UserAccount): UserResponseDto {
    return UserResponseDto.from(user);
  }

  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimit('changePassword')
  @UseGuards(AccessTokenGuard)
  @ApiOperation({
    summary: 'Delete the account and its reset links; needs the current password',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'No valid token, or wrong password (which counts as a failed login)',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Shares the change-password limit; see Retry-After',
  })
  async deleteMe(
    @CurrentUser() user: UserAccount,
    @Body() body: DeleteAccountDto,
    @Ip() clientIp: string,
  ): Promise<void> {
    await this.accounts.deleteAccount(user, body.password, clientIp);
  }
}
