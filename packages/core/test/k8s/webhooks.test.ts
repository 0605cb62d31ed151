import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../src/k8s/value.js';
import {
  decodeMutatingWebhookConfiguration,
  decodeValidatingWebhookConfiguration,
  decodeWebhookConfiguration,
} from '../../src/k8s/webhooks.js';
import { assertOnlyDecodeErrors, storedValue } from './upstream.js';

const ADMISSION = 'admissionregistration.k8s.io/v1';
const CA_BUNDLE = randomBytes(1180);
const POD_RULE = {
  operations: ['CREATE', 'UPDATE'],
  rule: { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' },
};

const mutating = storedValue(
  'k8s.io.api.admissionregistration.v1.MutatingWebhookConfiguration',
  ADMISSION,
  'MutatingWebhookConfiguration',
  {
    metadata: { name: 'pod-policy', creationTimestamp: { seconds: 1709287200 } },
    // Upstream spells this field `Webhooks` (generated.proto: repeated MutatingWebhook Webhooks = 2).
    Webhooks: [
      {
        name: 'mutate.pods.policy.example.com',
        clientConfig: {
          service: { namespace: 'policy-system', name: 'policy-webhook', path: '/mutate', port: 8443 },
          caBundle: CA_BUNDLE,
        },
        rules: [POD_RULE],
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        namespaceSelector: {
          matchExpressions: [
            { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
          ],
        },
        objectSelector: { matchLabels: { 'policy.example.com/inject': 'true' } },
        sideEffects: 'None',
        timeoutSeconds: 10,
        admissionReviewVersions: ['v1', 'v1beta1'],
        reinvocationPolicy: 'IfNeeded',
      },
      {
        name: 'external.policy.example.com',
        clientConfig: { url: 'https://hooks.example.com:9443/mutate' },
        rules: [POD_RULE],
        failurePolicy: 'Ignore',
        sideEffects: 'NoneOnDryRun',
        timeoutSeconds: 5,
        admissionReviewVersions: ['v1'],
      },
    ],
  },
);

describe('decodeMutatingWebhookConfiguration', () => {
  it('decodes a service-backed webhook with failurePolicy Fail', () => {
    const config = decodeMutatingWebhookConfiguration(mutating);
    expect(config.kind).toBe('MutatingWebhookConfiguration');
    expect(config.metadata.name).toBe('pod-policy');
    expect(config.webhooks).toHaveLength(2);
    expect(config.webhooks[0]).toEqual({
      name: 'mutate.pods.policy.example.com',
      clientConfig: {
        service: { namespace: 'policy-system', name: 'policy-webhook', path: '/mutate', port: 8443 },
        caBundleBytes: 1180,
      },
      rules: [
        {
          operations: ['CREATE', 'UPDATE'],
          apiGroups: [''],
          apiVersions: ['v1'],
          resources: ['pods'],
          scope: '*',
        },
      ],
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      sideEffects: 'None',
      timeoutSeconds: 10,
      admissionReviewVersions: ['v1', 'v1beta1'],
      reinvocationPolicy: 'IfNeeded',
      namespaceSelector: {
        matchLabels: {},
        matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
        ],
      },
      objectSelector: { matchLabels: { 'policy.example.com/inject': 'true' }, matchExpressions: [] },
    });
  });

  it('decodes a url-backed webhook with failurePolicy Ignore', () => {
    const hook = decodeMutatingWebhookConfiguration(mutating).webhooks[1];
    expect(hook).toEqual({
      name: 'external.policy.example.com',
      clientConfig: { url: 'https://hooks.example.com:9443/mutate', caBundleBytes: 0 },
      rules: [
        {
          operations: ['CREATE', 'UPDATE'],
          apiGroups: [''],
          apiVersions: ['v1'],
          resources: ['pods'],
          scope: '*',
        },
      ],
      failurePolicy: 'Ignore',
      sideEffects: 'NoneOnDryRun',
      timeoutSeconds: 5,
      admissionReviewVersions: ['v1'],
    });
  });

  it('rejects a validating configuration', () => {
    const validating = storedValue(
      'k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration',
      ADMISSION,
      'ValidatingWebhookConfiguration',
      { metadata: { name: 'v' } },
    );
    expect(() => decodeMutatingWebhookConfiguration(validating)).toThrow(
      expect.objectContaining({ name: 'ValueDecodeError', reason: 'wrong-kind' }),
    );
  });
});

describe('decodeValidatingWebhookConfiguration', () => {
  // In ValidatingWebhook, objectSelector is field 10 and field 11 is matchConditions: reading it with the
  // mutating layout would lose the selector.
  const validating = storedValue(
    'k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration',
    ADMISSION,
    'ValidatingWebhookConfiguration',
    {
      metadata: { name: 'cert-manager-webhook', labels: { app: 'webhook' } },
      Webhooks: [
        {
          name: 'webhook.cert-manager.io',
          clientConfig: {
            service: { namespace: 'cert-manager', name: 'cert-manager-webhook', path: '/validate' },
          },
          rules: [
            {
              operations: ['CREATE', 'UPDATE'],
              rule: {
                apiGroups: ['cert-manager.io', 'acme.cert-manager.io'],
                apiVersions: ['v1'],
                resources: ['*/*'],
              },
            },
          ],
          failurePolicy: 'Fail',
          objectSelector: { matchLabels: { tier: 'certs' } },
          matchConditions: [
            { name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" },
          ],
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    },
  );

  it('reads objectSelector from field 10 and skips matchConditions', () => {
    const config = decodeValidatingWebhookConfiguration(validating);
    expect(config.kind).toBe('ValidatingWebhookConfiguration');
    const [hook] = config.webhooks;
    expect(hook?.clientConfig).toEqual({
      service: { namespace: 'cert-manager', name: 'cert-manager-webhook', path: '/validate' },
      caBundleBytes: 0,
    });
    expect(hook?.objectSelector).toEqual({ matchLabels: { tier: 'certs' }, matchExpressions: [] });
    expect(hook?.reinvocationPolicy).toBeUndefined();
    expect(hook?.rules[0]?.resources).toEqual(['*/*']);
  });

  it('decodeWebhookConfiguration picks the layout from the envelope', () => {
    expect(decodeWebhookConfiguration(validating).kind).toBe('ValidatingWebhookConfiguration');
    expect(decodeWebhookConfiguration(mutating).kind).toBe('MutatingWebhookConfiguration');
    expect(decodeWebhookConfiguration(validating).webhooks[0]?.objectSelector?.matchLabels).toEqual({
      tier: 'certs',
    });
  });
});

describe('webhook decoders on damaged object bytes', () => {
  it('throw nothing but ValueDecodeError', () => {
    const seed = decodeEnvelope(mutating).raw;
    assertOnlyDecodeErrors(
      decodeMutatingWebhookConfiguration,
      ADMISSION,
      'MutatingWebhookConfiguration',
      seed,
    );
    assertOnlyDecodeErrors(decodeWebhookConfiguration, ADMISSION, 'ValidatingWebhookConfiguration', seed);
  });
});
