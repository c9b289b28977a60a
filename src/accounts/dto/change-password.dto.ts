import { ApiSchema } from '@nestjs/swagger';
import {
  CurrentPasswordField,
  NewPasswordField,
  OnlyDeclaredProperties,
} from '../../http/field.decorators';

/** Body of `POST /auth/change-password`. */
@ApiSchema({ name: 'PasswordResetChangePasswordBody' })
@OnlyDeclaredProperties()
export class ChangePasswordDto {
  @CurrentPasswordField()
  currentPassword: string;

  @NewPasswordField('amber otter juggles seven lanterns')
  newPassword: string;
}
