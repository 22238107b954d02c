import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, parseDuration, setting } from './config.js';

const spec = {
  natsUrl: setting.url('NATS_URL', { protocols: ['nats', 'tls'], default: 'nats://127.0.0.1:4222' }),
  port: setting.port('PORT', { default: 8080 }),
  level: setting.oneOf('LOG_LEVEL', ['debug', 'info'] as const, { default: 'info' }),
  jwtSecret: setting.secret('JWT_SECRET', { minLength: 8, description: 'HMAC key for access tokens' }),
  verbose: setting.bool('VERBOSE', { default: false }),
  timeout: setting.duration('TIMEOUT', { default: 1000 }),
};

function errorOf(env: Record<string, string>): string {
  try {
    parseConfig(spec, env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('applies defaults and parses typed values', () => {
    const config = parseConfig(spec, {
      JWT_SECRET: 'abcdefghij',
      PORT: '9000',
      VERBOSE: 'yes',
      TIMEOUT: '2s',
    });
    expect(config).to.deep.equal({
      natsUrl: 'nats://127.0.0.1:4222',
      port: 9000,
      level: 'info',
      jwtSecret: 'abcdefghij',
      verbose: true,
      timeout: 2000,
    });
  });

  it('names a missing required setting and says what it is for', () => {
    expect(errorOf({})).to.equal('config: JWT_SECRET is required (HMAC key for access tokens)');
  });

  it('names every bad setting in one line', () => {
    const message = errorOf({
      JWT_SECRET: 'abcdefghij',
      PORT: '70000',
      LOG_LEVEL: 'loud',
      NATS_URL: 'http://x',
    });
    expect(message.split('\n')).to.have.length(1);
    expect(message).to.equal(
      'config: NATS_URL must be a nats:// or tls:// URL (got "http://x"); PORT must be at most 65535 (got 70000); ' +
        'LOG_LEVEL must be one of debug, info (got "loud")',
    );
  });

  it('rejects non-numbers, bad booleans and bad durations', () => {
    const message = errorOf({
      JWT_SECRET: 'abcdefghij',
      PORT: '80a',
      VERBOSE: 'maybe',
      TIMEOUT: '5 minutes',
    });
    expect(message).to.contain('PORT must be a whole number (got "80a")');
    expect(message).to.contain('VERBOSE must be true or false (got "maybe")');
    expect(message).to.contain('TIMEOUT must be a duration');
  });

  it('never echoes a secret or URL credentials', () => {
    const message = errorOf({ JWT_SECRET: 'short', NATS_URL: 'http://user:hunter2@host' });
    expect(message).to.contain('JWT_SECRET must be at least 8 characters long');
    expect(message).not.to.contain('short');
    expect(message).not.to.contain('hunter2');
  });

  it('parses durations in ms, s, m and h', () => {
    expect([
      parseDuration('250ms'),
      parseDuration('1.5s'),
      parseDuration('2m'),
      parseDuration('1h'),
    ]).to.deep.equal([250, 1500, 120_000, 3_600_000]);
  });

  it('reads comma-separated lists, empty when unset, naming a bad item', () => {
    const spec = {
      nets: setting.list('NETS', {
        check: (item) => {
          if (!item.includes('/')) throw new Error(`"${item}" is not a network`);
        },
      }),
    };
    expect(parseConfig(spec, {}).nets).to.deep.equal([]);
    expect(parseConfig(spec, { NETS: ' 10.0.0.0/8, ,fd00::/8 ' }).nets).to.deep.equal([
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(() => parseConfig(spec, { NETS: '10.0.0.0/8,oops' })).to.throw(
      'config: NETS "oops" is not a network',
    );
  });

  it('stops a process with exit code 2 and one clear line on stderr', () => {
    const fixture = fileURLToPath(new URL('./testdata/config-main.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', fixture], {
      env: { PATH: process.env.PATH, PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(result.status).to.equal(2);
    expect(result.stderr).to.equal('config: PORT must be a whole number (got "eighty")\n');
    expect(result.stdout).to.equal('');
  });
});
