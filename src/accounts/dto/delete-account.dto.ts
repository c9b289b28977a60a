import { ApiSchema } from '@nestjs/swagger';
import { CurrentPasswordField, OnlyDeclaredProperties } from '../../http/field.decorators';

/** Body of `DELETE /users/me`: the owner confirms with the current password. */
@ApiSchema({ name: 'PasswordResetDeleteAccountBody' })
@OnlyDeclaredProperties()
export class DeleteAccountDto {
  @CurrentPasswordField()
  password: string;
}
