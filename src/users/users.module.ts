import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { noStore } from '../common/http/no-store.middleware';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { authConfig } from '../config/auth.config';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenService } from './access-token.service';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Accounts and the access tokens that identify their owners. */
@Module({
  imports: [
    TypeOrmModule.forFeature([User]),
    ConfigModule.forFeature(authConfig),
    JwtModule.registerAsync({
      imports: [ConfigModule.forFeature(authConfig)],
      inject: [authConfig.KEY],
      useFactory: (config: ConfigType<typeof authConfig>) => ({
        secret: config.jwtSecret.reveal(),
        signOptions: { algorithm: 'HS256' },
      }),
    }),
  ],
  controllers: [UsersController],
  providers: [UsersService, AccessTokenService, AccessTokenGuard],
  exports: [UsersService, AccessTokenService, AccessTokenGuard],
})
export class UsersModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(noStore).forRoutes(UsersController);
  }
}
