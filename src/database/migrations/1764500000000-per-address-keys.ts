import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

function timestampType(queryRunner: QueryRunner): string {
  return queryRunner.connection.driver.options.type === 'postgres' ? 'timestamptz' : 'datetime';
}

/**
 * Per-address state is keyed by an HMAC of the address from now on, no longer by its plain SHA-256
 * (which a dictionary of addresses reverses). The old keys cannot be converted (the addresses are not
 * stored), so the short-lived cooldowns and login counts are dropped: every count starts afresh.
 * Cooldown rows also count the reset emails of the day; login counts carry the key of their address,
 * so a reset can lift the locks of every network at once.
 */
export class PerAddressKeys1764500000000 implements MigrationInterface {
  name = 'PerAddressKeys1764500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM reset_email_cooldowns');
    await queryRunner.query('DELETE FROM login_failures');
    await queryRunner.addColumns('reset_email_cooldowns', [
      new TableColumn({
        name: 'day_started_at',
        type: timestampType(queryRunner),
        isNullable: false,
      }),
      new TableColumn({ name: 'day_count', type: 'integer', isNullable: false, default: 0 }),
    ]);
    await queryRunner.addColumn(
      'login_failures',
      new TableColumn({ name: 'address_key', type: 'char(64)', isNullable: false }),
    );
    await queryRunner.createIndex(
      'login_failures',
      new TableIndex({ name: 'idx_login_failures_address', columnNames: ['address_key'] }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('login_failures', 'idx_login_failures_address');
    await queryRunner.dropColumn('login_failures', 'address_key');
    await queryRunner.dropColumn('reset_email_cooldowns', 'day_count');
    await queryRunner.dropColumn('reset_email_cooldowns', 'day_started_at');
  }
}
