import { applyDecorators, UseFilters, UseGuards } from '@nestjs/common';
import { PasswordResetErrorFilter } from '../errors/password-reset-error.filter';
import { PerIpLimitGuard } from '../limits/per-ip/per-ip-limit.guard';

/**
 * What every controller of the module carries with it, so that it behaves the same in any host: its
 * own mapping of errors to HTTP and its own per-IP limits; each body is checked by the module itself
 * (`@ValidBody`, before any pipe). Nothing global: the host's routes, pipes, filters and guards are
 * left as they are. The error answers are documented on each route (`error-responses.decorators.ts`):
 * which of them a route can send depends on whether it takes a body, is limited or checks a password.
 */
export const PasswordResetRoutes = (): ClassDecorator =>
  applyDecorators(UseGuards(PerIpLimitGuard), UseFilters(PasswordResetErrorFilter));
