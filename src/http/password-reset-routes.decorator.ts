import { applyDecorators, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiPayloadTooLargeResponse } from '@nestjs/swagger';
import { PasswordResetErrorFilter } from '../errors/password-reset-error.filter';
import { PerIpLimitGuard } from '../limits/per-ip/per-ip-limit.guard';
import { ErrorResponseDto } from './error-response.dto';
import { StrictValidationPipe } from './validation.pipe';

/**
 * What every controller of the module carries with it, so that it behaves the same in any host: its
 * own validation pipe, its own mapping of errors to HTTP and its own per-IP limits. Nothing global:
 * the host's routes, pipes, filters and guards are left as they are.
 */
export const PasswordResetRoutes = (): ClassDecorator =>
  applyDecorators(
    UseGuards(PerIpLimitGuard),
    UsePipes(StrictValidationPipe),
    UseFilters(PasswordResetErrorFilter),
    ApiBadRequestResponse({
      type: ErrorResponseDto,
      description: 'Invalid body: the message says which field and why',
    }),
    ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'Body over 100 kB' }),
  );
