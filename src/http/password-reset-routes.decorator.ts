import { applyDecorators, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { PasswordResetErrorFilter } from '../errors/password-reset-error.filter';
import { PerIpLimitGuard } from '../limits/per-ip/per-ip-limit.guard';
import { StrictValidationPipe } from './validation.pipe';

/**
 * What every controller of the module carries with it, so that it behaves the same in any host: its
 * own validation pipe, its own mapping of errors to HTTP and its own per-IP limits. Nothing global:
 * the host's routes, pipes, filters and guards are left as they are. The error answers are
 * documented on each route (`error-responses.decorators.ts`): which of them a route can send depends
 * on whether it takes a body, is limited or checks a password.
 */
export const PasswordResetRoutes = (): ClassDecorator =>
  applyDecorators(
    UseGuards(PerIpLimitGuard),
    UsePipes(StrictValidationPipe),
    UseFilters(PasswordResetErrorFilter),
  );
