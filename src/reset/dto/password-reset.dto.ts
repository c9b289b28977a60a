import { ApiSchema } from '@nestjs/swagger';
import { EmailField, NewPasswordField, ResetTokenField } from '../../http/field.decorators';

/** Body of `POST /auth/forgot-password`. */
@ApiSchema({ name: 'PasswordResetForgotPasswordBody' })
export class ForgotPasswordDto {
  @EmailField()
  email: string;
}

/** Body of `POST /auth/reset-password/verify`. */
@ApiSchema({ name: 'PasswordResetVerifyResetTokenBody' })
export class VerifyResetTokenDto {
  @ResetTokenField()
  token: string;
}

/** Body of `POST /auth/reset-password`. */
@ApiSchema({ name: 'PasswordResetResetPasswordBody' })
export class ResetPasswordDto {
  @ResetTokenField()
  token: string;

  @NewPasswordField('amber otter juggles seven lanterns')
  newPassword: string;
}
