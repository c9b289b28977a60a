import { ApiSchema } from '@nestjs/swagger';
import {
  EmailField,
  NewPasswordField,
  OnlyDeclaredProperties,
  ResetCodeField,
} from '../../http/field.decorators';

/** Body of `POST /auth/reset-password/code/verify`. */
@ApiSchema({ name: 'PasswordResetVerifyResetCodeBody' })
@OnlyDeclaredProperties()
export class VerifyResetCodeDto {
  /** The address the email went to. */
  @EmailField()
  email: string;

  @ResetCodeField()
  code: string;
}

/** Body of `POST /auth/reset-password/code`. */
@ApiSchema({ name: 'PasswordResetResetPasswordWithCodeBody' })
@OnlyDeclaredProperties()
export class ResetPasswordWithCodeDto {
  @EmailField()
  email: string;

  @ResetCodeField()
  code: string;

  @NewPasswordField('amber otter juggles seven lanterns')
  newPassword: string;
}
