import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Account } from './account.entity';
import { AccountsResetUsers } from './accounts-reset-users';
import { AccountsService } from './accounts.service';
import { ResetUsersProbe } from './reset-users.probe';

/**
 * The host's accounts feature. Exports the port and what it needs, so the module can either use
 * this instance or build its own from these imports.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Account])],
  providers: [AccountsService, AccountsResetUsers, ResetUsersProbe],
  exports: [TypeOrmModule, AccountsService, AccountsResetUsers, ResetUsersProbe],
})
export class AccountsModule {}
