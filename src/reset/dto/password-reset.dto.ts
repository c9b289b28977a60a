import { ApiSchema } from '@nestjs/swagger';
import {
  EmailField,
  NewPasswordField,
  OnlyDeclaredProperties,
  ResetTokenField,
} from '../../http/field.decorators';

/** Body of `POST /auth/forgot-password`. */
@ApiSchema({ name: 'PasswordResetForgotPasswordBody' })
@OnlyDeclaredProperties()
export class ForgotPasswordDto {
  @EmailField()
  email: string;
}

/** Body of `POST /auth/reset-password/verify`. */
@ApiSchema({ name: 'PasswordResetVerifyResetTokenBody' })
@OnlyDeclaredProperties()
export class VerifyResetTokenDto {
  @ResetTokenField()
  token: string;
}

/** Body of `POST /auth/reset-password`. */
@ApiSchema({ name: 'PasswordResetResetPasswordBody' })
@OnlyDeclaredProperties()
export class ResetPasswordDto {
  @ResetTokenField()
  token: string;

  @NewPasswordField('amber otter juggles seven lanterns')
  newPassword: string;
}
