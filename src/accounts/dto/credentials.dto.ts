import { ApiSchema } from '@nestjs/swagger';
import {
  CurrentPasswordField,
  EmailField,
  LocaleField,
  NewPasswordField,
  OnlyDeclaredProperties,
  TimeZoneField,
} from '../../http/field.decorators';

/** Body of `POST /auth/register`. */
@ApiSchema({ name: 'PasswordResetRegisterBody' })
@OnlyDeclaredProperties()
export class RegisterDto {
  @EmailField()
  email: string;

  @NewPasswordField()
  password: string;

  /** Without it, the email locale that best matches the request's `Accept-Language`, if any. */
  @LocaleField()
  locale?: string;

  @TimeZoneField()
  timeZone?: string;
}

/** Body of `POST /auth/login`. */
@ApiSchema({ name: 'PasswordResetLoginBody' })
@OnlyDeclaredProperties()
export class LoginDto {
  @EmailField()
  email: string;

  @CurrentPasswordField()
  password: string;
}
