import { describe, expect, it } from 'vitest';
import { acceptSubscription } from './metaHandshake';
import { hubSignature, verifyHubSignature } from './signature';

describe('X-Hub-Signature-256', () => {
  const body = Buffer.from('{"object":"page","entry":[]}');

  it('accepts the HMAC-SHA256 of the raw bytes with the app secret', () => {
    expect(verifyHubSignature(body, hubSignature(body, 'secret'), 'secret')).toBe(true);
    expect(verifyHubSignature(body, hubSignature(body, 'secret').toUpperCase().replace('SHA256=', 'sha256='), 'secret')).toBe(true);
  });

  it('refuses a missing, malformed or wrong signature, another secret, or changed bytes', () => {
    expect(verifyHubSignature(body, undefined, 'secret')).toBe(false);
    expect(verifyHubSignature(body, '', 'secret')).toBe(false);
    expect(verifyHubSignature(body, 'sha256=abc', 'secret')).toBe(false);
    expect(verifyHubSignature(body, hubSignature(body, 'secret').replace('sha256=', 'sha1='), 'secret')).toBe(false);
    expect(verifyHubSignature(body, hubSignature(body, 'other'), 'secret')).toBe(false);
    expect(verifyHubSignature(Buffer.from('{"object":"page","entry":[] }'), hubSignature(body, 'secret'), 'secret')).toBe(false);
  });
});

describe('subscription handshake', () => {
  it('echoes the challenge only for mode subscribe and the right token', () => {
    expect(acceptSubscription({ mode: 'subscribe', verifyToken: 'tok', challenge: '1158201444' }, 'tok')).toBe('1158201444');
    expect(acceptSubscription({ mode: 'subscribe', verifyToken: 'nope', challenge: '1' }, 'tok')).toBeUndefined();
    expect(acceptSubscription({ mode: 'unsubscribe', verifyToken: 'tok', challenge: '1' }, 'tok')).toBeUndefined();
    expect(acceptSubscription({ mode: 'subscribe', verifyToken: 'tok' }, 'tok')).toBeUndefined();
    expect(acceptSubscription({ mode: 'subscribe', verifyToken: 'tok', challenge: '1' }, undefined)).toBeUndefined();
    expect(acceptSubscription({ mode: 'subscribe', verifyToken: 'tok', challenge: '<script>x y</script>' }, 'tok')).toBeUndefined();
  });
});
