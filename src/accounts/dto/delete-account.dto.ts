import { ApiSchema } from '@nestjs/swagger';
import { CurrentPasswordField } from '../../http/field.decorators';

/** Body of `DELETE /users/me`: the owner confirms with the current password. */
@ApiSchema({ name: 'PasswordResetDeleteAccountBody' })
export class DeleteAccountDto {
  @CurrentPasswordField()
  password: string;
}
