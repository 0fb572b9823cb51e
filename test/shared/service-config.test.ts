import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_MAX_MESSAGE_BYTES, readServiceConfig } from '../../shared/server/config.js';

describe('service configuration from the environment', () => {
  it('defaults every variable, the gRPC port to the one given', () => {
    const config = readServiceConfig({}, 6788);
    assert.equal(config.port, 6788);
    assert.equal(config.metricsPort, 8080);
    assert.equal(config.bindAddress, '0.0.0.0');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
    assert.equal(config.shutdownGraceMs, 20_000);
    assert.deepEqual(config.ignored, []);
  });

  it('reads every variable', () => {
    const config = readServiceConfig(
      { PORT: '7000', METRICS_PORT: '0', BIND_ADDRESS: '127.0.0.1', LOG_LEVEL: 'debug', GRPC_MAX_MESSAGE_BYTES: '4096', SHUTDOWN_GRACE_SECONDS: '3', WORKER_THREADS: '0' },
      6789,
    );
    assert.deepEqual(config, {
      port: 7000,
      metricsPort: 0,
      bindAddress: '127.0.0.1',
      logLevel: 'debug',
      maxMessageBytes: 4096,
      shutdownGraceMs: 3000,
      workerThreads: 0,
      ignored: [],
    });
  });

  const invalid: [Record<string, string>, RegExp][] = [
    [{ PORT: '70000' }, /PORT="70000" is invalid; expected an integer from 0 to 65535/],
    [{ METRICS_PORT: '80.5' }, /METRICS_PORT="80.5" is invalid; expected an integer from 0 to 65535/],
    [{ METRICS_PORT: 'http://example:80' }, /METRICS_PORT="http:\/\/example:80" is invalid/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL="verbose" is invalid; expected one of fatal, error, warn, info, debug, trace, silent/],
    [{ GRPC_MAX_MESSAGE_BYTES: '10' }, /GRPC_MAX_MESSAGE_BYTES="10" is invalid; expected an integer from 1024/],
    [{ WORKER_THREADS: '-1' }, /WORKER_THREADS="-1" is invalid/],
  ];
  for (const [env, message] of invalid) {
    it(`refuses ${JSON.stringify(env)}, naming the variable, the value and what was expected`, () => {
      assert.throws(() => readServiceConfig(env, 6789), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    });
  }

  it("ignores a Kubernetes service link in a port variable (a Service named 'metrics'), and says so", () => {
    const config = readServiceConfig({ METRICS_PORT: 'tcp://10.96.0.12:9090' }, 6789);
    assert.equal(config.metricsPort, 8080);
    assert.equal(config.ignored.length, 1);
    assert.match(config.ignored[0]!, /METRICS_PORT="tcp:\/\/10.96.0.12:9090" looks like a Kubernetes service link, not a port; using 8080/);
  });
});
