import {
  durationToSeconds,
  PasswordResetOptionsError,
  resolvePasswordResetOptions,
  shippedTemplatesDir,
} from './password-reset.options';

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
  it('should need only frontendUrl and apply the documented defaults', () => {
    const settings = resolvePasswordResetOptions(
      { frontendUrl: 'https://app.example.com/' },
      false,
    );

    expect(settings).toMatchObject({
      frontendUrl: 'https://app.example.com',
      resetPath: '/reset-password',
      tokenTtlMinutes: 60,
      appName: 'Your account',
      subjects: {
        passwordReset: 'Your account: reset your password',
        passwordChanged: 'Your account: your password was changed',
      },
      templatesDir: shippedTemplatesDir(),
      argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
      minPasswordScore: 3,
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
      loginMaxFailuresPerAddress: 100,
      delivery: {
        retryBaseSeconds: 5,
        maxAttempts: 8,
        pollIntervalSeconds: 5,
        claimTimeoutSeconds: 120,
        purgeAfterHours: 24,
        concurrentSends: 5,
      },
      jwt: { expiresInSeconds: 900 },
      builtInUsers: false,
    });
    expect(settings.addressKeySecret).toBeUndefined();
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

    expect(settings.perIp.forgotPassword).toEqual({ limit: 2, windowSeconds: 60 });
    expect(settings.perIp.login).toEqual({ limit: 10, windowSeconds: 900 });
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
      settings({ resetEmailDailyLimit: 10, resetEmailDailyLimitPerAddress: 0 })
        .resetEmailDailyLimitPerAddress,
    ).toBe(0);
    expect(
      settings({ resetEmailDailyLimit: 10, resetEmailDailyLimitPerAddress: 10 })
        .resetEmailDailyLimitPerAddress,
    ).toBe(10);
    // Without a per-network cap, any per-address cap is the stricter one.
    expect(
      settings({ resetEmailDailyLimit: 0, resetEmailDailyLimitPerAddress: 3 })
        .resetEmailDailyLimitPerAddress,
    ).toBe(3);
    // Left out, it follows a per-network cap above its default.
    expect(settings({ resetEmailDailyLimit: 30 }).resetEmailDailyLimitPerAddress).toBe(30);
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
