import { EmailField, NewPasswordField, ResetTokenField } from '../../http/field.decorators';

/** Body of `POST /auth/forgot-password`. */
export class ForgotPasswordDto {
  @EmailField()
  email: string;
}

/** Body of `POST /auth/reset-password/verify`. */
export class VerifyResetTokenDto {
  @ResetTokenField()
  token: string;
}

/** Body of `POST /auth/reset-password`. */
export class ResetPasswordDto {
  @ResetTokenField()
  token: string;

  @NewPasswordField('amber otter juggles seven lanterns')
  newPassword: string;
}
