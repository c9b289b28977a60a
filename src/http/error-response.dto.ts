import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { PasswordResetErrorCode } from '../errors/password-reset-error';

/** Codes only calls made from code get: a route refuses such an address in its validation 400, and no route names an account by id. */
const CODE_ONLY_ERROR_CODES: readonly PasswordResetErrorCode[] = [
  PasswordResetErrorCode.InvalidEmail,
  PasswordResetErrorCode.UnknownAccount,
];

/** The codes the routes send. */
export const PASSWORD_RESET_ROUTE_ERROR_CODES: readonly PasswordResetErrorCode[] = Object.values(
  PasswordResetErrorCode,
).filter((code) => !CODE_ONLY_ERROR_CODES.includes(code));

/** The body of every 4xx/5xx answer (but the health routes' 503, which is their report). */
// Every schema of the module is named `PasswordReset…` (and none `…Dto`): in a host's document it
// sits beside the host's own schemas, whose names it must not take.
@ApiSchema({ name: 'PasswordResetError' })
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 400, description: 'The HTTP status, repeated' })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request', description: "The status's reason phrase" })
  error: string;

  @ApiPropertyOptional({
    enum: PASSWORD_RESET_ROUTE_ERROR_CODES,
    example: PasswordResetErrorCode.InvalidResetToken,
    description:
      'Set for domain errors, for clients to act on; absent for validation, size, type and limit ' +
      'refusals. Each answer of each operation lists the codes it can carry',
  })
  code?: PasswordResetErrorCode;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'This reset link is invalid or has expired. Request a new one.',
    description:
      'Safe to show to the user; a validation 400 lists one message per problem, as an array',
  })
  message: string | string[];
}
