import { ApiSchema } from '@nestjs/swagger';
import {
  AtLeastOneProperty,
  LocaleField,
  OnlyDeclaredProperties,
  TimeZoneField,
} from '../../http/field.decorators';

/** Body of `PATCH /users/me`: the fields to change; a field left out stays as it is. */
@ApiSchema({ name: 'PasswordResetUpdateAccountBody' })
@OnlyDeclaredProperties()
@AtLeastOneProperty(['locale', 'timeZone'], 'Send locale, timeZone or both (null clears one)')
export class UpdateMeDto {
  @LocaleField({ nullable: true })
  locale?: string | null;

  @TimeZoneField({ nullable: true })
  timeZone?: string | null;
}
