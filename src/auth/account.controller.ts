import { Body, Controller, Delete, HttpCode, HttpStatus, Ip, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { RateLimit } from '../throttling/rate-limit.decorator';
import { AccessTokenGuard } from '../users/access-token.guard';
import { CurrentUser } from '../users/current-user.decorator';
import { User } from '../users/user.entity';
import { AuthService } from './auth.service';
import { DeleteAccountDto } from './dto/delete-account.dto';

/** What a signed-in owner does to the account itself with the password in hand. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class AccountController {
  constructor(private readonly auth: AuthService) {}

  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimit('change-password')
  @UseGuards(AccessTokenGuard)
  @ApiOperation({
    summary: 'Delete the account and its reset links; needs the current password',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'No password in the body' })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'No valid token, or wrong password (which counts as a failed login)',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Shares the change-password limit; see Retry-After',
  })
  async deleteMe(
    @CurrentUser() user: User,
    @Body() body: DeleteAccountDto,
    @Ip() clientIp: string,
  ): Promise<void> {
    await this.auth.deleteAccount(user, body.password, clientIp);
  }
}
