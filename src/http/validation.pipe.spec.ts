import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { StrictValidationPipe } from './validation.pipe';

class NoteDto {
  @IsString()
  @MaxLength(20)
  title: string;

  @IsOptional()
  @IsInt()
  stars?: number;
}

const BODY: ArgumentMetadata = { type: 'body', metatype: NoteDto };

/** `[[[…]]]`, `levels` arrays deep, built without recursion. */
function nestedArrays(levels: number): unknown[] {
  let value: unknown[] = [];
  for (let level = 1; level < levels; level++) value = [value];
  return value;
}

/** The messages of the 400 the pipe throws, whether Nest made it a string or a list. */
async function refusalOf(value: unknown, metadata = BODY): Promise<string[]> {
  const pipe = new StrictValidationPipe();
  const error: unknown = await pipe.transform(value, metadata).then(
    () => {
      throw new Error('Expected the value to be refused');
    },
    (refusal: unknown) => refusal,
  );
  expect(error).toBeInstanceOf(BadRequestException);
  const { message } = (error as BadRequestException).getResponse() as {
    message: string | string[];
  };
  return Array.isArray(message) ? message : [message];
}

describe(StrictValidationPipe.name, () => {
  it.each([
    ['an array', [{ title: 'Hello' }]],
    ['null', null],
    ['a string', '{"title":"Hello"}'],
    ['a number', 42],
  ])('should refuse %s as a body', async (_kind, value) => {
    await expect(refusalOf(value)).resolves.toEqual(['The request body must be a JSON object']);
  });

  it('should refuse an own __proto__ key', async () => {
    const body: unknown = JSON.parse('{"title":"Hello","__proto__":{"a":1}}');
    expect(Object.keys(body as object)).toContain('__proto__');

    await expect(refusalOf(body)).resolves.toEqual(['property __proto__ should not exist']);
  });

  it('should refuse a constructor key nested deep in the body', async () => {
    const body = { title: 'Hello', meta: { tags: [{ constructor: { prototype: { a: 1 } } }] } };

    await expect(refusalOf(body)).resolves.toEqual(['property constructor should not exist']);
  });

  it('should refuse a nested prototype key', async () => {
    const body: unknown = JSON.parse('{"title":"Hello","meta":{"prototype":{"a":1}}}');

    await expect(refusalOf(body)).resolves.toEqual(['property prototype should not exist']);
  });

  it('should refuse a body nested 10,000 levels deep with a 400, not a stack overflow', async () => {
    const body = { title: 'Hello', stars: nestedArrays(10_000) };

    await expect(refusalOf(body)).resolves.toEqual([
      'The request body is nested too deeply (at most 32 levels)',
    ]);
  });

  it('should count the body itself as the first level', async () => {
    // The body plus 31 arrays is 32 levels: allowed, and left to the DTO to refuse.
    await expect(refusalOf({ title: 'Hello', stars: nestedArrays(31) })).resolves.toContain(
      'stars must be an integer number',
    );
    await expect(refusalOf({ title: 'Hello', stars: nestedArrays(32) })).resolves.toEqual([
      'The request body is nested too deeply (at most 32 levels)',
    ]);
  });

  it('should find a prototype key in a wide body without recursion', async () => {
    const meta = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, [{}]]));
    const body: unknown = JSON.parse(
      JSON.stringify({ title: 'Hello', meta }).replace('"k4999"', '"__proto__"'),
    );

    await expect(refusalOf(body)).resolves.toEqual(['property __proto__ should not exist']);
  });

  it('should refuse unknown fields', async () => {
    const messages = await refusalOf({ title: 'Hello', admin: true });

    expect(messages).toContain('property admin should not exist');
  });

  it('should refuse fields of the wrong type', async () => {
    const messages = await refusalOf({ title: 7 });

    expect(messages).toContain('title must be a string');
  });

  it('should turn a valid body into an instance of the DTO', async () => {
    const pipe = new StrictValidationPipe();

    const result = await pipe.transform({ title: 'Hello', stars: 4 }, BODY);

    expect(result).toBeInstanceOf(NoteDto);
    expect(result).toEqual(Object.assign(new NoteDto(), { title: 'Hello', stars: 4 }));
  });
});
