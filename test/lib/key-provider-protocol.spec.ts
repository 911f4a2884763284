import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  decodeAnnotationPacket,
  handleKeyProviderRequest,
  KEY_PROVIDER_COMMAND,
  parseProviderParameters,
  providerKeyArgument,
  writeKeyProviderConfig,
  type KeyProviderRequest,
} from '../../lib/images/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { scratchDirectory } from './scratch-directory.ts';

const scratch = scratchDirectory('key-provider');

const kid = 'kbs:///default/key/protocol-test';
// Created in beforeAll, not at module load: Playwright also loads spec files in the runner process to list them.
let dir: string;
let keyPath: string;
let context: { providerName: string; workingDirectory: string };
let params: string;

test.beforeAll(() => {
  dir = scratch();
  keyPath = join(dir, 'key');
  writeFileSync(keyPath, randomBytes(32));
  context = { providerName: 'attestation-agent', workingDirectory: dir };
  params = providerKeyArgument(keyPath, kid).replace(/^provider:attestation-agent:/, '');
});

/** A request exactly as ocicrypt marshals it: Go []byte fields as standard base64, config structs untagged. */
function wrapRequest(params: string, optsData: Buffer): KeyProviderRequest {
  return {
    op: 'keywrap',
    keywrapparams: {
      ec: { Parameters: { 'attestation-agent': [Buffer.from(params).toString('base64')] } },
      optsdata: optsData.toString('base64'),
    },
    keyunwrapparams: { dc: null, annotation: null },
  };
}

function unwrapRequest(params: string, annotation: string): KeyProviderRequest {
  return {
    op: 'keyunwrap',
    keywrapparams: { ec: null, optsdata: null },
    keyunwrapparams: { dc: { Parameters: { 'attestation-agent': [Buffer.from(params).toString('base64')] } }, annotation },
  };
}


test('the provider argument has the coco_keyprovider form', () => {
  expect(providerKeyArgument('/key', 'kbs:///default/key/x')).toBe(
    'provider:attestation-agent:keypath=/key::keyid=kbs:///default/key/x::algorithm=A256GCM',
  );
  expect(parseProviderParameters('keypath=/key::keyid=kbs:///default/key/x::algorithm=A256GCM')).toEqual({
    keyPath: '/key', keyId: 'kbs:///default/key/x', algorithm: 'A256GCM',
  });
});

test('wrap then unwrap returns the layer options', () => {
  const optsData = Buffer.from('{"symkey":"c2VjcmV0","cipheroptions":{"nonce":"AAAA"}}');
  const wrapped = handleKeyProviderRequest(wrapRequest(params, optsData), context);
  if (!('keywrapresults' in wrapped)) throw new Error('expected keywrapresults');
  const packet = decodeAnnotationPacket(wrapped.keywrapresults.annotation);
  expect(packet).toMatchObject({ kid, wrap_type: 'A256GCM' });
  expect(Buffer.from(packet.wrapped_data, 'base64').includes(optsData)).toBe(false);
  const unwrapped = handleKeyProviderRequest(unwrapRequest(params, wrapped.keywrapresults.annotation), context);
  if (!('keyunwrapresults' in unwrapped)) throw new Error('expected keyunwrapresults');
  expect(Buffer.from(unwrapped.keyunwrapresults.optsdata, 'base64')).toEqual(optsData);
});

test('wrapping refuses another algorithm, a missing keyid and a key of the wrong size', () => {
  const opts = Buffer.from('x');
  expect(() => handleKeyProviderRequest(wrapRequest(`keypath=${keyPath}::keyid=${kid}::algorithm=A256CTR`, opts), context))
    .toThrow(/algorithm "A256CTR" is not supported/);
  expect(() => handleKeyProviderRequest(wrapRequest(`keypath=${keyPath}`, opts), context)).toThrow(/no keyid/);
  const shortKey = join(dir, 'short');
  writeFileSync(shortKey, randomBytes(16));
  expect(() => handleKeyProviderRequest(wrapRequest(`keypath=${shortKey}::keyid=${kid}`, opts), context))
    .toThrow(/16 bytes, AES-256 needs 32/);
});

test('the command speaks the protocol on stdin/stdout and fails with exit 1 on a wrong key', async () => {
  const optsData = randomBytes(48);
  const wrapped = await runCommand([KEY_PROVIDER_COMMAND, '--provider', 'attestation-agent'], {
    input: JSON.stringify(wrapRequest(params, optsData)),
  });
  const annotation = (JSON.parse(wrapped.stdout) as { keywrapresults: { annotation: string } }).keywrapresults.annotation;
  const otherKey = join(dir, 'other');
  writeFileSync(otherKey, randomBytes(32));
  const refused = await runCommand([KEY_PROVIDER_COMMAND], {
    input: JSON.stringify(unwrapRequest(`keypath=${otherKey}`, annotation)),
    nothrow: true,
  });
  expect(refused.exitCode).toBe(1);
  expect(refused.stderr).toContain('GCM authentication failed');
  expect(refused.stdout).toBe('');
});

test('the ocicrypt config names the command under the provider', () => {
  const file = writeKeyProviderConfig(dir);
  const config: unknown = JSON.parse(readFileSync(file, 'utf8'));
  expect(config).toEqual({
    'key-providers': { 'attestation-agent': { cmd: { path: KEY_PROVIDER_COMMAND, args: ['--provider', 'attestation-agent'] } } },
  });
});
