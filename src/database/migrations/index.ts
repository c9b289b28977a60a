import { InitialSchema1764100000000 } from './1764100000000-initial-schema';
import { DurableDelivery1764200000000 } from './1764200000000-durable-delivery';
import { OutboxClaimFencing1764300000000 } from './1764300000000-outbox-claim-fencing';
import { NormalizeEmails1764400000000 } from './1764400000000-normalize-emails';
import { PerAddressKeys1764500000000 } from './1764500000000-per-address-keys';
import { OneTokenPerAccount1764600000000 } from './1764600000000-one-token-per-account';

/** In order. Listed by class so the same list works from `src/` (tests) and `dist/`. */
export const migrations = [
  InitialSchema1764100000000,
  DurableDelivery1764200000000,
  OutboxClaimFencing1764300000000,
  NormalizeEmails1764400000000,
  PerAddressKeys1764500000000,
  OneTokenPerAccount1764600000000,
];
