import {
  Controller,
  Get,
  HttpStatus,
  ServiceUnavailableException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { PasswordResetErrorCode } from '../../errors/password-reset-error';
import { PasswordResetErrorFilter } from '../../errors/password-reset-error.filter';
import { ApiErrorResponse, ApiUnauthorized } from '../../http/error-responses.decorators';
import { HEALTH_TOKEN_SCHEME } from '../http/api-document';
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
    operationId: 'getHealth',
    summary: 'Whether this instance can serve requests',
    description:
      'Public and unthrottled, for load balancers and orchestrators: the status only, the same ' +
      'whoever has an account. The parts and the email queue are at GET /health/details.',
  })
  @ApiOkResponse({
    type: HealthStatusDto,
    description: '`ok`, or `degraded` while mail cannot be sent or Redis is unreachable',
  })
  @ApiServiceUnavailableResponse({
    type: HealthErrorDto,
    description: 'The database does not answer (the body is the status, not an error body)',
    example: { status: 'error' },
  })
  async check(): Promise<HealthStatusDto> {
    const status = await this.health.status();
    if (status === 'error') throw new ServiceUnavailableException({ status });
    return { status };
  }

  @Get('details')
  @UseGuards(HealthTokenGuard)
  @ApiBearerAuth(HEALTH_TOKEN_SCHEME)
  @ApiOperation({
    operationId: 'getHealthDetails',
    summary: 'Database, mail transport, Redis and the queue of emails, for operators',
    description:
      'Needs `Authorization: Bearer <HEALTH_TOKEN>` (the `healthToken` scheme: the configured ' +
      'token, not an access token). Answers 404, like a route that does not exist, when ' +
      'HEALTH_TOKEN is not set. Same status codes as GET /health. Unthrottled.',
  })
  @ApiOkResponse({ type: HealthDetailsDto, description: 'The report; `status` as GET /health' })
  @ApiUnauthorized('Missing or wrong health token', {
    name: 'noHealthToken',
    summary: 'No health token, or a wrong one',
    value: {
      statusCode: HttpStatus.UNAUTHORIZED,
      error: 'Unauthorized',
      code: PasswordResetErrorCode.Unauthenticated,
      message: 'A valid health token is required',
    },
  })
  @ApiErrorResponse(HttpStatus.NOT_FOUND, 'HEALTH_TOKEN is not set: the route does not exist', [
    {
      name: 'notConfigured',
      summary: "Nest's answer for an unknown route, word for word",
      value: {
        statusCode: HttpStatus.NOT_FOUND,
        error: 'Not Found',
        message: 'Cannot GET /health/details',
      },
    },
  ])
  @ApiServiceUnavailableResponse({
    type: HealthDetailsDto,
    description: 'The database does not answer; the same report, with `status: "error"`',
    example: {
      status: 'error',
      details: {
        database: { status: 'down' },
        mail: { status: 'up', transport: 'smtp' },
        outbox: { status: 'down' },
      },
    },
  })
  async details(): Promise<HealthDetailsDto> {
    const report = await this.health.report();
    if (report.status === 'error') throw new ServiceUnavailableException(report);
    return report;
  }
}
