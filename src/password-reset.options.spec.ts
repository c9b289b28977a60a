import { get } from 'lodash';
import { shippedTemplatesDir } from './mail/mail-locales';
import { optionRow, PASSWORD_RESET_OPTION_TABLE } from './password-reset.option-table';
import {
  durationToSeconds,
  PasswordResetOptionsError,
  resolvePasswordResetOptions,
} from './password-reset.options';

/** Sets the dotted `path` of `target`, making the objects on the way. */
function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

function problemsOf(options: unknown, builtIn = false): string[] {
  try {
    resolvePasswordResetOptions(options as never, builtIn);
  } catch (error) {
    expect(error).toBeInstanceOf(PasswordResetOptionsError);
    return (error as PasswordResetOptionsError).problems;
  }
  throw new Error('Expected the options to be refused');
}

describe(durationToSeconds.name, () => {
  it.each([
    ['900', 900],
    ['900s', 900],
    ['15m', 900],
    ['2h', 7200],
    ['7d', 604800],
    [300, 300],
  ])('should read %p as %i seconds', (value, seconds) => {
    expect(durationToSeconds(value)).toBe(seconds);
  });

  it.each(['', '15x', '1.5h', '-5', '15 m', 'm', '15mm', '0', 0, 1.5, -3])(
    'should not read the malformed duration %p',
    (value) => {
      expect(durationToSeconds(value)).toBeUndefined();
    },
  );
});

describe(resolvePasswordResetOptions.name, () => {
  it('should need only frontendUrl, and keep the shape of the options with every default applied', () => {
    const settings = resolvePasswordResetOptions(
      { frontendUrl: 'https://app.example.com/' },
      false,
    );

    expect(settings).toMatchObject({
      frontendUrl: 'https://app.example.com',
      resetPath: '/reset-password',
      tokenTtlMinutes: 60,
      appName: 'Your account',
      subjects: { passwordReset: undefined, passwordChanged: undefined },
      templatesDir: shippedTemplatesDir(),
      defaultLocale: 'en',
      argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
      passwordPolicy: { minScore: 3 },
      limits: {
        perIp: {
          forgotPassword: { limit: 5, windowSeconds: 900 },
          resetPassword: { limit: 20, windowSeconds: 900 },
          login: { limit: 10, windowSeconds: 900 },
          register: { limit: 10, windowSeconds: 3600 },
          changePassword: { limit: 10, windowSeconds: 900 },
        },
        resetEmailCooldownSeconds: 60,
        resetEmailDailyLimit: 5,
        resetEmailDailyLimitPerAddress: 20,
        loginMaxFailures: 10,
        loginFailureWindowSeconds: 900,
        loginMaxFailuresPerAddress: 100,
        loginFailureWindowPerAddressSeconds: 900,
      },
      delivery: {
        retryBaseSeconds: 5,
        maxAttempts: 8,
        pollIntervalSeconds: 5,
        claimTimeoutSeconds: 120,
        purgeAfterHours: 24,
        concurrentSends: 5,
        resetJitterMs: 1000,
      },
      jwt: { expiresIn: 900 },
      builtInUsers: false,
    });
    expect(settings.addressKeySecret).toBeUndefined();
  });

  const wholeNumberRows = PASSWORD_RESET_OPTION_TABLE.filter((row) => 'min' in row);

  it.each(wholeNumberRows.map((row) => [row.path, row]))(
    'should default %s as the table says, and refuse a value outside its range',
    (path, row) => {
      const at = (value?: number) => {
        const options: Record<string, unknown> = { frontendUrl: 'https://app.example.com' };
        // The per-address count may not be below the per-network one.
        if (path === 'limits.loginMaxFailuresPerAddress')
          setAt(options, 'limits.loginMaxFailures', 1);
        if (value !== undefined) setAt(options, path, value);
        return options;
      };
      const resolved = resolvePasswordResetOptions(at() as never, true);
      expect(get(resolved, path)).toBe(row.default);
      expect(get(resolvePasswordResetOptions(at(row.min) as never, true), path)).toBe(row.min);
      for (const outside of [row.min - 1, row.max + 1]) {
        // Per-address caps may be 0 (off) or at least their per-network cap: keep the two apart.
        const problems = problemsOf(at(outside)).filter((problem) => problem.startsWith(path));
        expect(problems).toEqual([
          `${path} must be a whole number from ${row.min} to ${row.max} (got ${outside})`,
        ]);
      }
    },
  );

  it('should take text defaults from the table, and refuse text longer than it allows', () => {
    const settings = resolvePasswordResetOptions({ frontendUrl: 'https://a.example' }, false);
    expect(settings.appName).toBe(optionRow('appName').default);
    expect(settings.resetPath).toBe(optionRow('resetPath').default);
    const longest = optionRow('appName').maxLength;
    expect(
      resolvePasswordResetOptions(
        { frontendUrl: 'https://a.example', appName: 'a'.repeat(longest) },
        false,
      ).appName,
    ).toHaveLength(longest);
    expect(
      problemsOf({ frontendUrl: 'https://a.example', appName: 'a'.repeat(longest + 1) }),
    ).toEqual([`appName must be text of 1 to ${longest} characters`]);
  });

  it('should name every problem in one error', () => {
    expect(
      problemsOf({
        frontendUrl: 'app.example.com',
        resetPath: 'reset',
        tokenTtlMinutes: 0,
        argon2: { memoryCost: 12 },
        jwt: { secret: 'short', expiresIn: 'soon' },
        limits: { perIp: { everything: { limit: 1, windowSeconds: 1 } } },
      }),
    ).toEqual([
      expect.stringMatching(/^frontendUrl is required/),
      'resetPath must start with / and hold no ?, # or spaces',
      expect.stringMatching(/^limits\.perIp\.everything is not a limit of this module/),
      'jwt.expiresIn must be a number of seconds or a duration such as 900s, 15m, 12h or 7d',
      'jwt.secret must be at least 32 characters long',
      expect.stringMatching(/^tokenTtlMinutes must be a whole number from 1 to 10080/),
      expect.stringMatching(/^argon2\.memoryCost must be a whole number/),
    ]);
  });

  it('should take a web address or a path as signInUrl, and nothing a link could run', () => {
    const signInUrl = (value: string) =>
      resolvePasswordResetOptions(
        { frontendUrl: 'https://app.example.com', signInUrl: value },
        false,
      ).signInUrl;
    expect(signInUrl('https://app.example.com/login')).toBe('https://app.example.com/login');
    expect(signInUrl('/login?next=%2F')).toBe('/login?next=%2F');
    for (const value of ['javascript:alert(1)', '//evil.example', '/\\evil.example', 'login', '']) {
      expect(problemsOf({ frontendUrl: 'https://app.example.com', signInUrl: value })).toEqual([
        'signInUrl must be an absolute http(s) URL or a path starting with /',
      ]);
    }
  });

  it('should refuse a missing frontendUrl, with its name', () => {
    expect(problemsOf(undefined)).toEqual([expect.stringMatching(/frontendUrl/)]);
  });

  it('should take one per-IP limit and keep the defaults of the others', () => {
    const settings = resolvePasswordResetOptions(
      {
        frontendUrl: 'https://app.example.com',
        limits: { perIp: { forgotPassword: { limit: 2, windowSeconds: 60 } } },
      },
      false,
    );

    expect(settings.limits.perIp.forgotPassword).toEqual({ limit: 2, windowSeconds: 60 });
    expect(settings.limits.perIp.login).toEqual({ limit: 10, windowSeconds: 900 });
  });

  it('should key per-address state with the JWT secret of the built-in accounts, unless told otherwise', () => {
    const jwt = { secret: 'j'.repeat(32) };

    const builtIn = resolvePasswordResetOptions({ frontendUrl: 'https://a.example', jwt }, true);
    expect(builtIn.addressKeySecret?.reveal()).toBe('j'.repeat(32));
    expect(
      resolvePasswordResetOptions(
        { frontendUrl: 'https://a.example', jwt, addressKeySecret: 'k'.repeat(32) },
        true,
      ).addressKeySecret?.reveal(),
    ).toBe('k'.repeat(32));
    // Held so that they never print.
    expect(JSON.stringify(builtIn)).not.toContain('j'.repeat(32));
    // With the host's users there is no JWT secret of ours to lean on.
    expect(
      resolvePasswordResetOptions({ frontendUrl: 'https://a.example', jwt }, false)
        .addressKeySecret,
    ).toBeUndefined();
  });

  it('should refuse loginMaxFailuresPerAddress below loginMaxFailures', () => {
    expect(
      problemsOf({
        frontendUrl: 'https://a.example',
        limits: { loginMaxFailures: 20, loginMaxFailuresPerAddress: 19 },
      }),
    ).toEqual(['limits.loginMaxFailuresPerAddress must be at least limits.loginMaxFailures']);
  });

  it('should refuse resetEmailDailyLimitPerAddress below resetEmailDailyLimit, unless it is 0 (off)', () => {
    expect(
      problemsOf({
        frontendUrl: 'https://a.example',
        limits: { resetEmailDailyLimit: 10, resetEmailDailyLimitPerAddress: 9 },
      }),
    ).toEqual([
      'limits.resetEmailDailyLimitPerAddress must be at least limits.resetEmailDailyLimit, or 0 (off)',
    ]);
    const settings = (limits: object) =>
      resolvePasswordResetOptions({ frontendUrl: 'https://a.example', limits }, false);
    expect(
      settings({ resetEmailDailyLimit: 10, resetEmailDailyLimitPerAddress: 0 }).limits
        .resetEmailDailyLimitPerAddress,
    ).toBe(0);
    expect(
      settings({ resetEmailDailyLimit: 10, resetEmailDailyLimitPerAddress: 10 }).limits
        .resetEmailDailyLimitPerAddress,
    ).toBe(10);
    // Without a per-network cap, any per-address cap is the stricter one.
    expect(
      settings({ resetEmailDailyLimit: 0, resetEmailDailyLimitPerAddress: 3 }).limits
        .resetEmailDailyLimitPerAddress,
    ).toBe(3);
    // Left out, it follows a per-network cap above its default.
    expect(settings({ resetEmailDailyLimit: 30 }).limits.resetEmailDailyLimitPerAddress).toBe(30);
    expect(
      problemsOf({
        frontendUrl: 'https://a.example',
        limits: { resetEmailDailyLimitPerAddress: -1 },
      }),
    ).toEqual([
      expect.stringMatching(/^limits\.resetEmailDailyLimitPerAddress must be a whole number/),
    ]);
  });
});
