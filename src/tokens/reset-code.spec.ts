import { formatResetCode, generateResetCode, resetCodeDigits } from './reset-code';

describe(generateResetCode.name, () => {
  it('should return 8 digits, leading zeros kept', () => {
    for (let i = 0; i < 200; i++) expect(generateResetCode()).toMatch(/^\d{8}$/);
  });

  it('should spread its codes over the whole range', () => {
    const firstDigits = new Set(Array.from({ length: 500 }, () => generateResetCode()[0]));
    expect(firstDigits.size).toBe(10);
  });
});

describe(resetCodeDigits.name, () => {
  it('should accept the code with or without the middle space', () => {
    expect(resetCodeDigits('0123 4567')).toBe('01234567');
    expect(resetCodeDigits('01234567')).toBe('01234567');
  });

  it.each(['1234-5678', '1234  5678', ' 12345678', '1234567', '123456789', '١٢٣٤٥٦٧٨', ''])(
    'should refuse %j',
    (typed) => expect(resetCodeDigits(typed)).toBeUndefined(),
  );
});

describe(formatResetCode.name, () => {
  it('should show the code in two groups of four', () => {
    expect(formatResetCode('01234567')).toBe('0123 4567');
  });
});
