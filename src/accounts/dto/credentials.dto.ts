import { ApiSchema } from '@nestjs/swagger';
import {
  CurrentPasswordField,
  EmailField,
  NewPasswordField,
  OnlyDeclaredProperties,
} from '../../http/field.decorators';

/** Body of `POST /auth/register`. */
@ApiSchema({ name: 'PasswordResetRegisterBody' })
@OnlyDeclaredProperties()
export class RegisterDto {
  @EmailField()
  email: string;

  @NewPasswordField()
  password: string;
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
