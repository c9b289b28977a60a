import { PasswordResetOptionsError, resolvePasswordResetOptions } from '../password-reset.options';
import { browserOrigin } from './cors.middleware';

describe(browserOrigin.name, () => {
  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['https://App.Example.COM', 'https://app.example.com'],
    ['https://app.example.com:443', 'https://app.example.com'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('should read %p as the origin %p', (value, origin) => {
    expect(browserOrigin(value)).toBe(origin);
  });

  it.each([
    'app.example.com',
    'https://app.example.com/',
    'https://app.example.com/account',
    'https://app.example.com?x=1',
    'https://app.example.com#x',
    'https://user@app.example.com',
    'https://app.example.com:99999',
    'ftp://files.example.com',
    'null',
    '*',
    '',
  ])('should refuse %p', (value) => {
    expect(browserOrigin(value)).toBeUndefined();
  });
});

describe('the cors option', () => {
  const problemsOf = (cors: unknown): string[] => {
    try {
      resolvePasswordResetOptions(
        { frontendUrl: 'https://app.example.com', cors } as Parameters<
          typeof resolvePasswordResetOptions
        >[0],
        true,
      );
    } catch (error) {
      if (error instanceof PasswordResetOptionsError) return error.problems;
      throw error;
    }
    return [];
  };

  it('should allow the origin of frontendUrl by default', () => {
    const settings = resolvePasswordResetOptions(
      { frontendUrl: 'https://App.example.com/account/' },
      true,
    );

    expect(settings.cors).toEqual({ origins: ['https://app.example.com'] });
  });

  it('should take false, or a list of origins it normalises', () => {
    const settings = (cors: unknown) =>
      resolvePasswordResetOptions(
        { frontendUrl: 'https://app.example.com', cors } as Parameters<
          typeof resolvePasswordResetOptions
        >[0],
        false,
      ).cors;

    expect(settings(false)).toBe(false);
    expect(settings({ origins: ['https://A.example:443', 'http://localhost:5173'] })).toEqual({
      origins: ['https://a.example', 'http://localhost:5173'],
    });
  });

  it('should name every origin that is not one', () => {
    expect(
      problemsOf({ origins: ['https://a.example', 'https://b.example/', 'c.example'] }),
    ).toEqual([
      'cors.origins: "https://b.example/" is not an origin (http(s)://host[:port], no path)',
      'cors.origins: "c.example" is not an origin (http(s)://host[:port], no path)',
    ]);
  });

  it.each([[true], [{}], [{ origins: [] }], [{ origins: 'https://a.example' }], ['*']])(
    'should refuse %p',
    (cors) => {
      expect(problemsOf(cors)).toEqual([
        'cors must be false or { origins: [...] } with at least one origin',
      ]);
    },
  );
});
