import {
  Controller,
  Get,
  ServiceUnavailableException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { PasswordResetErrorFilter } from '../../errors/password-reset-error.filter';
import { ErrorResponseDto } from '../../http/error-response.dto';
import { HealthDetailsDto, HealthErrorDto, HealthStatusDto } from './dto/health-report.dto';
import { HealthTokenGuard } from './health-token.guard';
import { HealthService } from './health.service';

/** `GET /health` for anyone (status only), `GET /health/details` for operators holding HEALTH_TOKEN. */
@ApiTags('health')
// The token guard's 401 in the same shape as every other error answer.
@UseFilters(PasswordResetErrorFilter)
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /**
   * 503 only when the database is down. Terminus's 503 would list each check; this one, like the
   * 200, carries the status alone.
   */
  @Get()
  @ApiOperation({
    summary: 'Whether this instance can serve requests',
    description:
      'Public and unthrottled, for load balancers and orchestrators: the status only. ' +
      'The parts and the email queue are at GET /health/details.',
  })
  @ApiOkResponse({ type: HealthStatusDto })
  @ApiServiceUnavailableResponse({
    type: HealthErrorDto,
    description: 'The database does not answer',
  })
  async check(): Promise<HealthStatusDto> {
    const status = await this.health.status();
    if (status === 'error') throw new ServiceUnavailableException({ status });
    return { status };
  }

  @Get('details')
  @UseGuards(HealthTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Database, mail transport, Redis and the queue of emails, for operators',
    description:
      'Needs `Authorization: Bearer <HEALTH_TOKEN>` (the configured token, not an access token). ' +
      'Answers 404 when HEALTH_TOKEN is not set. Same status codes as GET /health.',
  })
  @ApiOkResponse({ type: HealthDetailsDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong token' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'HEALTH_TOKEN is not set' })
  @ApiServiceUnavailableResponse({
    type: HealthDetailsDto,
    description: 'The database does not answer',
  })
  async details(): Promise<HealthDetailsDto> {
    const report = await this.health.report();
    if (report.status === 'error') throw new ServiceUnavailableException(report);
    return report;
  }
}
