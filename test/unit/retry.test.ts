import { expect } from 'chai';
import { ApiException } from '@kubernetes/client-node';
import { isTransient, retrying, withRetry } from '../../helpers/k8s/retry.js';

const status = (code: number) => new ApiException(code, `HTTP ${code}`, {}, {});
const dropped = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code }) });
const fast = { delayMs: 1 };

/** A call that fails with the given errors, in order, then answers "ok". */
function failing(...errors: Error[]) {
  const call = () => {
    call.calls++;
    const error = errors[call.calls - 1];
    return error ? Promise.reject(error) : Promise.resolve('ok');
  };
  call.calls = 0;
  return call;
}

describe('transient API errors', () => {
  it('retries a read that fails twice with 503, then succeeds', async () => {
    const call = failing(status(503), status(503));
    expect(await withRetry(call, { idempotent: true, ...fast })).to.equal('ok');
    expect(call.calls).to.equal(3);
  });

  it('does not retry a 403: the answer will not change', async () => {
    const call = failing(status(403));
    const err = await withRetry(call, { idempotent: true, ...fast }).catch((e: unknown) => e);
    expect((err as ApiException<unknown>).code).to.equal(403);
    expect(call.calls).to.equal(1);
  });

  it('gives up after 4 attempts with the last error', async () => {
    const call = failing(status(500), status(502), status(504), status(500), status(500));
    const err = await withRetry(call, { idempotent: true, ...fast }).catch((e: unknown) => e);
    expect((err as ApiException<unknown>).code).to.equal(500);
    expect(call.calls).to.equal(4);
  });

  it('stops within its time budget even with attempts left', async () => {
    const call = failing(status(503), status(503), status(503));
    const err = await withRetry(call, { idempotent: true, delayMs: 50, budgetMs: 20 }).catch(
      (e: unknown) => e,
    );
    expect((err as ApiException<unknown>).code).to.equal(503);
    expect(call.calls).to.be.below(3);
  });

  it('classifies: 429 and 503 for any call; other 5xx and dropped connections for reads only', () => {
    for (const idempotent of [true, false]) {
      expect(isTransient(status(429), idempotent)).to.equal(true);
      expect(isTransient(status(503), idempotent)).to.equal(true);
      expect(isTransient(status(404), idempotent)).to.equal(false);
      expect(isTransient(status(409), idempotent)).to.equal(false);
    }
    expect(isTransient(status(500), true)).to.equal(true);
    expect(isTransient(status(500), false)).to.equal(false);
    expect(isTransient(dropped('ECONNRESET'), true)).to.equal(true);
    expect(isTransient(dropped('ETIMEDOUT'), true)).to.equal(true);
    expect(isTransient(new Error('socket hang up'), true)).to.equal(true);
    expect(isTransient(dropped('ECONNRESET'), false)).to.equal(false);
    // A refused connection or a bad certificate is the environment, said at once.
    expect(isTransient(dropped('ECONNREFUSED'), true)).to.equal(false);
    expect(isTransient(dropped('DEPTH_ZERO_SELF_SIGNED_CERT'), true)).to.equal(false);
  });

  it('wraps an API client: reads retried, writes only on 429/503, synchronous methods untouched', async () => {
    const read = failing(dropped('ECONNRESET'));
    const create = failing(dropped('ECONNRESET'));
    const client = {
      readNamespacedPod: read,
      createNamespacedPod: create,
      setDefaultNamespace: (name: string) => `set ${name}`,
      server: 'https://x',
    };
    const wrapped = retrying(client, fast);
    expect(await wrapped.readNamespacedPod()).to.equal('ok');
    expect(read.calls).to.equal(2);
    expect(await wrapped.createNamespacedPod().catch((e: unknown) => e)).to.be.instanceOf(
      TypeError,
    );
    expect(create.calls).to.equal(1);
    expect(wrapped.setDefaultNamespace('a')).to.equal('set a');
    expect(wrapped.server).to.equal('https://x');
  });
});
