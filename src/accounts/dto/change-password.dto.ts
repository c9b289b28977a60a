import { ApiSchema } from '@nestjs/swagger';
import { CurrentPasswordField, NewPasswordField } from '../../http/field.decorators';

/** Body of `POST /auth/change-password`. */
@ApiSchema({ name: 'PasswordResetChangePasswordBody' })
export class ChangePasswordDto {
  @CurrentPasswordField()
  currentPassword: string;

  @NewPasswordField('amber otter juggles seven lanterns')
  newPassword: string;
}
