import { CurrentPasswordField } from '../../http/field.decorators';

/** Body of `DELETE /users/me`: the owner confirms with the current password. */
export class DeleteAccountDto {
  @CurrentPasswordField()
  password: string;
}
