import { InitialSchema1764100000000 } from './1764100000000-initial-schema';
import { DurableDelivery1764200000000 } from './1764200000000-durable-delivery';
import { OutboxClaimFencing1764300000000 } from './1764300000000-outbox-claim-fencing';

/** In order. Listed by class so the same list works from `src/` (tests) and `dist/`. */
export const migrations = [
  InitialSchema1764100000000,
  DurableDelivery1764200000000,
  OutboxClaimFencing1764300000000,
];
