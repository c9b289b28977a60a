import { CurrentPasswordField, EmailField, NewPasswordField } from '../../http/field.decorators';

/** Body of `POST /auth/register`. */
export class RegisterDto {
  @EmailField()
  email: string;

  @NewPasswordField()
  password: string;
}

/** Body of `POST /auth/login`. */
export class LoginDto {
  @EmailField()
  email: string;

  @CurrentPasswordField()
  password: string;
}
