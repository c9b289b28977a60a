import { BadRequestException } from '@nestjs/common';
import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { validateBody } from './valid-body.decorator';

class NoteDto {
  @IsString()
  @MaxLength(20)
  title: string;

  @IsOptional()
  @IsInt()
  stars?: number;
}

/** `[[[…]]]`, `levels` arrays deep, built without recursion. */
function nestedArrays(levels: number): unknown[] {
  let value: unknown[] = [];
  for (let level = 1; level < levels; level++) value = [value];
  return value;
}

/** The messages of the 400 thrown for `value`, whether Nest made them a string or a list. */
function refusalOf(value: unknown): string[] {
  let error: unknown;
  try {
    validateBody(NoteDto, value);
  } catch (refusal) {
    error = refusal;
  }
  expect(error).toBeInstanceOf(BadRequestException);
  const { message } = (error as BadRequestException).getResponse() as {
    message: string | string[];
  };
  return Array.isArray(message) ? message : [message];
}

describe(validateBody.name, () => {
  it.each([
    ['an array', [{ title: 'Hello' }]],
    ['null', null],
    ['a string', '{"title":"Hello"}'],
    ['a number', 42],
  ])('should refuse %s as a body', (_kind, value) => {
    expect(refusalOf(value)).toEqual(['The request body must be a JSON object']);
  });

  it('should refuse an own __proto__ key', () => {
    const body: unknown = JSON.parse('{"title":"Hello","__proto__":{"a":1}}');
    expect(Object.keys(body as object)).toContain('__proto__');

    expect(refusalOf(body)).toEqual(['property __proto__ should not exist']);
  });

  it('should refuse a constructor key nested deep in the body', () => {
    const body = { title: 'Hello', meta: { tags: [{ constructor: { prototype: { a: 1 } } }] } };

    expect(refusalOf(body)).toEqual(['property constructor should not exist']);
  });

  it('should refuse a nested prototype key', () => {
    const body: unknown = JSON.parse('{"title":"Hello","meta":{"prototype":{"a":1}}}');

    expect(refusalOf(body)).toEqual(['property prototype should not exist']);
  });

  it('should refuse a body nested 10,000 levels deep with a 400, not a stack overflow', () => {
    const body = { title: 'Hello', stars: nestedArrays(10_000) };

    expect(refusalOf(body)).toEqual(['The request body is nested too deeply (at most 32 levels)']);
  });

  it('should count the body itself as the first level', () => {
    // The body plus 31 arrays is 32 levels: allowed, and left to the DTO to refuse.
    expect(refusalOf({ title: 'Hello', stars: nestedArrays(31) })).toContain(
      'stars must be an integer number',
    );
    expect(refusalOf({ title: 'Hello', stars: nestedArrays(32) })).toEqual([
      'The request body is nested too deeply (at most 32 levels)',
    ]);
  });

  it('should find a prototype key in a wide body without recursion', () => {
    const meta = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, [{}]]));
    const body: unknown = JSON.parse(
      JSON.stringify({ title: 'Hello', meta }).replace('"k4999"', '"__proto__"'),
    );

    expect(refusalOf(body)).toEqual(['property __proto__ should not exist']);
  });

  it('should refuse unknown fields', () => {
    const messages = refusalOf({ title: 'Hello', admin: true });

    expect(messages).toContain('property admin should not exist');
  });

  it('should refuse fields of the wrong type', () => {
    const messages = refusalOf({ title: 7 });

    expect(messages).toContain('title must be a string');
  });

  it('should turn a valid body into an instance of the DTO', () => {
    const result = validateBody(NoteDto, { title: 'Hello', stars: 4 });

    expect(result).toBeInstanceOf(NoteDto);
    expect(result).toEqual(Object.assign(new NoteDto(), { title: 'Hello', stars: 4 }));
  });
});
