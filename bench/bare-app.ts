/**
 * Helper process: the floor for forgot-password. A bare NestJS 11 app (@nestjs/core with
 * @nestjs/platform-express and its default JSON body parser) with one route that answers
 * `POST /auth/forgot-password` with 202 and the service's exact body, doing nothing else. Whatever
 * the service does beyond this is its own cost. Listens on 127.0.0.1:$PORT.
 */
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const MESSAGE =
  'If an account exists for that address, we have sent it a link to reset the password.';

@Controller('auth')
class BareController {
  @Post('forgot-password')
  @HttpCode(202)
  forgotPassword(): { message: string } {
    return { message: MESSAGE };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
