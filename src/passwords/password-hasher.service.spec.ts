import * as argon2 from 'argon2';
import { PasswordResetSettings, resolvePasswordResetOptions } from '../password-reset.options';
import { NO_PASSWORD_HASH, PasswordHasher } from './password-hasher.service';

type Argon2Cost = PasswordResetSettings['argon2'];

/** The `m`, `t` and `p` of an encoded argon2 hash (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`, any order). */
function costOf(hash: string): Argon2Cost {
  const params = new Map(
    hash
      .split('$')[3]
      .split(',')
      .map((pair) => pair.split('=') as [string, string]),
  );
  return {
    memoryCost: Number(params.get('m')),
    timeCost: Number(params.get('t')),
    parallelism: Number(params.get('p')),
  };
}

/** Low cost keeps the spec fast; the parameters still show in the encoded hash. */
const CHEAP: Argon2Cost = { memoryCost: 1024, timeCost: 2, parallelism: 1 };

function hasherWith(argon2: Argon2Cost): PasswordHasher {
  return new PasswordHasher(
    resolvePasswordResetOptions({ frontendUrl: 'https://app.example.com', argon2 }, true),
  );
}

describe(PasswordHasher.name, () => {
  const hasher = hasherWith(CHEAP);
  const password = 'correct horse battery staple';

  it('should produce an argon2id hash with the configured cost', async () => {
    const hash = await hasher.hash(password);

    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(costOf(hash)).toEqual(CHEAP);
  });

  it('should show other configured costs in the hash', async () => {
    const other = { memoryCost: 2048, timeCost: 3, parallelism: 2 };
    const hash = await hasherWith(other).hash(password);

    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(costOf(hash)).toEqual(other);
  });

  it('should salt every hash', async () => {
    expect(await hasher.hash(password)).not.toBe(await hasher.hash(password));
  });

  it('should verify the right password', async () => {
    const hash = await hasher.hash(password);

    await expect(hasher.verify(hash, password)).resolves.toBe(true);
  });

  it('should not verify a wrong password', async () => {
    const hash = await hasher.hash(password);

    await expect(hasher.verify(hash, 'correct horse battery stapler')).resolves.toBe(false);
  });

  it('should return false rather than throw for a malformed hash', async () => {
    await expect(hasher.verify('not-a-hash', password)).resolves.toBe(false);
    await expect(hasher.verify('$argon2id$v=19$garbage', password)).resolves.toBe(false);
  });

  it('should not ask to rehash its own hash', async () => {
    const hash = await hasher.hash(password);

    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('should ask to rehash a hash made with other parameters', async () => {
    const older = await hasherWith({ memoryCost: 2048, timeCost: 2, parallelism: 1 }).hash(
      password,
    );
    const slower = await hasherWith({ memoryCost: 1024, timeCost: 3, parallelism: 1 }).hash(
      password,
    );

    expect(hasher.needsRehash(older)).toBe(true);
    expect(hasher.needsRehash(slower)).toBe(true);
  });

  // argon2.needsRehash compares costs and version only, so the variant is checked separately.
  it('should ask to rehash an argon2i hash made with the configured cost', async () => {
    const argon2i = await argon2.hash(password, { ...CHEAP, type: argon2.argon2i });
    expect(costOf(argon2i)).toEqual(CHEAP);

    expect(hasher.needsRehash(argon2i)).toBe(true);
  });

  it('should ask to rehash a hash it cannot read', () => {
    expect(hasher.needsRehash('not-a-hash')).toBe(true);
  });

  it('should verify no password against NO_PASSWORD_HASH, after the same argon2 work as any login', async () => {
    const initialised = hasherWith(CHEAP);
    await initialised.onModuleInit();
    const dummy = jest.spyOn(initialised, 'verifyDummy');

    for (const attempt of [password, '', NO_PASSWORD_HASH]) {
      await expect(initialised.verify(NO_PASSWORD_HASH, attempt)).resolves.toBe(false);
    }
    expect(dummy).toHaveBeenCalledTimes(3);
  });

  describe('verifyDummy', () => {
    it('should resolve false after module init', async () => {
      const initialised = hasherWith(CHEAP);
      await initialised.onModuleInit();

      await expect(initialised.verifyDummy(password)).resolves.toBe(false);
    });

    it('should spend a real argon2id verify on the dummy hash', async () => {
      const initialised = hasherWith(CHEAP);
      await initialised.onModuleInit();
      const verify = jest.spyOn(initialised, 'verify');

      await initialised.verifyDummy(password);

      expect(verify).toHaveBeenCalledTimes(1);
      const [dummyHash, checked] = verify.mock.calls[0];
      expect(dummyHash.startsWith('$argon2id$')).toBe(true);
      expect(costOf(dummyHash)).toEqual(CHEAP);
      expect(checked).toBe(password);
    });
  });
});
