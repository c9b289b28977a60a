import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  UnauthorizedException,
} from '@nestjs/common';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { MembersService } from './members.service';

/** The monolith's login body, checked by its global pipe (422 when wrong). */
export class MonolithLoginBody {
  @IsEmail()
  email: string;

  @IsString()
  @MaxLength(128)
  password: string;
}

/** The monolith's own `auth/login` and `users/me`, at the very paths the module's built-in ones use. */
@Controller()
export class MonolithAuthController {
  constructor(private readonly members: MembersService) {}

  @Post('auth/login')
  @HttpCode(200)
  async login(@Body() body: MonolithLoginBody): Promise<{ session: string }> {
    const session = await this.members.login(body.email, body.password);
    if (!session) throw new UnauthorizedException('Wrong email or password');
    return { session };
  }

  @Get('users/me')
  async me(
    @Headers('authorization') authorization?: string,
  ): Promise<{ id: number; email: string }> {
    const token = /^Session (\S+)$/.exec(authorization ?? '')?.[1];
    const member = token ? await this.members.fromSession(token) : null;
    if (!member) throw new UnauthorizedException();
    return { id: member.id, email: member.email };
  }
}
