import { CurrentPasswordField, NewPasswordField } from '../../http/field.decorators';

/** Body of `POST /auth/change-password`. */
export class ChangePasswordDto {
  @CurrentPasswordField()
  currentPassword: string;

  @NewPasswordField('amber otter juggles seven lanterns')
  newPassword: string;
}
