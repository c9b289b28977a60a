import { Injectable } from '@nestjs/common';

/** One call the module made to the host's users port, as the port saw it. */
export interface SetPasswordCall {
  userId: string;
  /** Whether the manager it was handed was inside a transaction. */
  inTransaction: boolean;
}

/**
 * Records what the module asks of the host's users port. A provider of its own, so the record is
 * the same whether the module takes the port from the host's module or makes its own instance.
 */
@Injectable()
export class ResetUsersProbe {
  readonly lookups: string[] = [];
  readonly setPasswordCalls: SetPasswordCall[] = [];
}
