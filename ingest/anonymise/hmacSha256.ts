import { createHash } from 'node:crypto';

/**
 * HMAC-SHA256 (RFC 2104, FIPS 180-4) of short strings under one fixed key, in hex, without a
 * native call per message.
 *
 * Why: the intake computes two to four HMACs per event. node:crypto's createHmac costs 4-8 µs a
 * call for a 30-60 byte message (a new native Hmac object, the key imported again, a digest
 * object), which was the largest single cost of POST /v1/events. Here the key's inner and outer
 * pad blocks are compressed once, in the constructor; a message then costs its own block(s) plus
 * one outer block, about 2 µs for a typical identifier. The output is bit for bit that of
 * createHmac('sha256', key).update(message, 'utf8').digest('hex'); the tests compare the two.
 *
 * Not constant-time, like the rest of a JavaScript string path: the inputs are identifiers that
 * the intake already holds in memory, and no secret-dependent comparison is made here.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL_STATE = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const BLOCK = 64;

// Scratch space shared by every instance: JavaScript runs one call at a time.
const schedule = new Int32Array(64);

/** One SHA-256 compression of the 64-byte block at `offset` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  const w = schedule;
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

const encoder = new TextEncoder();
const state = new Int32Array(8);
const outerBlock = new Uint8Array(BLOCK);
const digest = Buffer.alloc(32);
let message = new Uint8Array(1024);

/** Writes the big-endian length in bits of `byteLength` bytes into the last 8 bytes before `end`. */
function writeBitLength(bytes: Uint8Array, end: number, byteLength: number): void {
  const high = Math.floor(byteLength / 0x20000000); // byteLength * 8 / 2^32
  const low = (byteLength * 8) >>> 0;
  bytes[end - 8] = high >>> 24;
  bytes[end - 7] = high >>> 16;
  bytes[end - 6] = high >>> 8;
  bytes[end - 5] = high;
  bytes[end - 4] = low >>> 24;
  bytes[end - 3] = low >>> 16;
  bytes[end - 2] = low >>> 8;
  bytes[end - 1] = low;
}

export class HmacSha256 {
  readonly #inner = new Int32Array(8);
  readonly #outer = new Int32Array(8);

  constructor(key: Uint8Array) {
    // RFC 2104: a key longer than the block is hashed first.
    const k = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
    const pad = new Uint8Array(BLOCK);
    for (const [target, byte] of [[this.#inner, 0x36], [this.#outer, 0x5c]] as const) {
      pad.fill(byte);
      for (let i = 0; i < k.length; i++) pad[i] = k[i]! ^ byte;
      target.set(INITIAL_STATE);
      compress(target, pad, 0);
    }
  }

  /** HMAC-SHA256(key, UTF-8 of text) as 64 lower-case hex digits. */
  hex(text: string): string {
    if (text.length * 3 + 2 * BLOCK > message.length) message = new Uint8Array(text.length * 3 + 2 * BLOCK);
    const bytes = message;
    const length = encoder.encodeInto(text, bytes).written;
    // Padding: 0x80, zeros, the bit length of ipad block + message, to a whole number of blocks.
    const end = (((length + 8) >> 6) + 1) * BLOCK;
    bytes[length] = 0x80;
    bytes.fill(0, length + 1, end - 8);
    writeBitLength(bytes, end, BLOCK + length);
    state.set(this.#inner);
    for (let offset = 0; offset < end; offset += BLOCK) compress(state, bytes, offset);
    // Outer hash: the opad block (precomputed) then the 32-byte inner digest, padded to one block.
    const outer = outerBlock;
    for (let i = 0; i < 8; i++) {
      const word = state[i]!;
      outer[4 * i] = word >>> 24;
      outer[4 * i + 1] = word >>> 16;
      outer[4 * i + 2] = word >>> 8;
      outer[4 * i + 3] = word;
    }
    outer[32] = 0x80;
    outer.fill(0, 33, BLOCK - 8);
    writeBitLength(outer, BLOCK, BLOCK + 32);
    state.set(this.#outer);
    compress(state, outer, 0);
    // One flat string from native code, rather than a tree of 32 concatenations that every Map
    // look-up and every DuckDB append would first have to flatten.
    const out = digest;
    for (let i = 0; i < 8; i++) {
      const word = state[i]!;
      out[4 * i] = word >>> 24;
      out[4 * i + 1] = word >>> 16;
      out[4 * i + 2] = word >>> 8;
      out[4 * i + 3] = word;
    }
    return out.toString('hex');
  }
}
