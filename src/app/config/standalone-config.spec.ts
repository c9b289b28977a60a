import { Test } from '@nestjs/testing';
import { AppModule } from '../app.module';
import { ENVIRONMENT_KEYS } from './environment';

describe('The standalone service at start-up', () => {
  let savedEnv: NodeJS.ProcessEnv;

  beforeEach(() => {
    savedEnv = process.env;
  });

  afterEach(() => {
    process.env = savedEnv;
  });

  it('should read the environment once, and build everything from that one reading', async () => {
    const variables: Record<string, string> = {
      NODE_ENV: 'test',
      DATABASE_URL: 'sqlite::memory:',
      ARGON2_MEMORY_KIB: '1024',
      FORGOT_PASSWORD_LIMIT: '7',
    };
    let readings = 0;
    const environment: NodeJS.ProcessEnv = { PATH: savedEnv.PATH };
    for (const name of ENVIRONMENT_KEYS) delete environment[name];
    Object.assign(environment, variables);
    // Every reading of the service's variables goes through here; FORGOT_PASSWORD_LIMIT stands for all.
    process.env = new Proxy(environment, {
      get(target, name) {
        if (name === 'FORGOT_PASSWORD_LIMIT') readings += 1;
        return Reflect.get(target, name) as unknown;
      },
    });

    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ envFile: false })],
    }).compile();
    try {
      expect(readings).toBe(1);
    } finally {
      await moduleRef.close();
    }
  });
});
