import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeNamespace, decodeObjectMeta, decodePod, decodeService } from '../../src/k8s/objects.js';
import { decodeEnvelope } from '../../src/k8s/value.js';
import { assertOnlyDecodeErrors, storedValue, wrapUnknown } from './upstream.js';

// core/v1 is not vendored (340 kB); these values are hand-assembled with protobufjs's Writer. Field
// numbers from kubernetes/api core/v1/generated.proto and apimachinery pkg/apis/meta/v1/generated.proto.
const LEN = 2; // wire type: length-delimited
const VARINT = 0;
const tag = (field: number, wire: number) => (field << 3) | wire;

type Build = (w: protobuf.Writer) => void;

function message(w: protobuf.Writer, field: number, body: Build): void {
  w.uint32(tag(field, LEN)).fork();
  body(w);
  w.ldelim();
}

const str = (w: protobuf.Writer, field: number, s: string) => w.uint32(tag(field, LEN)).string(s);

function mapEntry(w: protobuf.Writer, field: number, key: string, value: string): void {
  // map<string,string> entries are messages { key = 1; value = 2 }.
  message(w, field, (e) => {
    str(e, 1, key);
    str(e, 2, value);
  });
}

// ObjectMeta: name = 1, namespace = 3, uid = 5, creationTimestamp = 8 (Time: seconds = 1, nanos = 2),
// labels = 11, annotations = 12, ownerReferences = 13 (kind = 1, name = 3, uid = 4, apiVersion = 5,
// controller = 6), finalizers = 14, managedFields = 17 (unknown to us, must be skipped).
function objectMeta(w: protobuf.Writer, meta: { name: string; namespace?: string; extra?: Build }): void {
  message(w, 1, (m) => {
    str(m, 1, meta.name);
    if (meta.namespace) str(m, 3, meta.namespace);
    str(m, 5, '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a');
    message(m, 8, (t) => t.uint32(tag(1, VARINT)).int64(1714557600));
    meta.extra?.(m);
    message(m, 17, (f) => str(f, 1, 'kubelet'));
  });
}

function pod(): Uint8Array {
  const w = protobuf.Writer.create();
  objectMeta(w, {
    name: 'coredns-7745f9f87f-x2k9p',
    namespace: 'kube-system',
    extra: (m) => {
      mapEntry(m, 11, 'k8s-app', 'kube-dns');
      mapEntry(m, 11, 'pod-template-hash', '7745f9f87f');
      mapEntry(m, 12, 'cni.projectcalico.org/podIP', '10.1.19.2/32');
      message(m, 13, (o) => {
        str(o, 1, 'ReplicaSet');
        str(o, 3, 'coredns-7745f9f87f');
        str(o, 4, '1a2b3c4d-0000-4000-8000-00000000aaaa');
        str(o, 5, 'apps/v1');
        o.uint32(tag(6, VARINT)).bool(true);
      });
    },
  });
  // PodSpec = 2: containers = 2 (skipped), serviceAccountName = 8, nodeName = 10.
  message(w, 2, (s) => {
    message(s, 2, (c) => {
      str(c, 1, 'coredns');
      str(c, 2, 'coredns/coredns:1.10.1');
    });
    str(s, 8, 'coredns');
    str(s, 10, 'node-1');
  });
  // PodStatus = 3: phase = 1, hostIP = 5, podIP = 6, startTime = 7 (Time).
  message(w, 3, (s) => {
    str(s, 1, 'Running');
    str(s, 5, '192.168.1.11');
    str(s, 6, '10.1.19.2');
    message(s, 7, (t) => t.uint32(tag(1, VARINT)).int64(1714557605));
  });
  return wrapUnknown('v1', 'Pod', w.finish());
}

function service(): Uint8Array {
  const w = protobuf.Writer.create();
  objectMeta(w, { name: 'kube-dns', namespace: 'kube-system' });
  // ServiceSpec = 2: ports = 1 (ServicePort: name = 1, protocol = 2, port = 3, targetPort = 4 IntOrString,
  // nodePort = 5), selector = 2, clusterIP = 3, type = 4.
  message(w, 2, (s) => {
    message(s, 1, (p) => {
      str(p, 1, 'dns');
      str(p, 2, 'UDP');
      p.uint32(tag(3, VARINT)).int32(53);
      message(p, 4, (t) => t.uint32(tag(1, VARINT)).int64(0).uint32(tag(2, VARINT)).int32(53));
    });
    message(s, 1, (p) => {
      str(p, 1, 'dns-tcp');
      str(p, 2, 'TCP');
      p.uint32(tag(3, VARINT)).int32(53);
    });
    mapEntry(s, 2, 'k8s-app', 'kube-dns');
    str(s, 3, '10.152.183.10');
    str(s, 4, 'ClusterIP');
  });
  return wrapUnknown('v1', 'Service', w.finish());
}

function namespace(phase: string, deleting: boolean): Uint8Array {
  const w = protobuf.Writer.create();
  objectMeta(w, {
    name: 'team-a',
    extra: (m) => {
      // deletionTimestamp = 9, finalizers = 14
      if (deleting) message(m, 9, (t) => t.uint32(tag(1, VARINT)).int64(1714560000));
      str(m, 14, 'example.com/cleanup');
    },
  });
  // NamespaceSpec = 2 (finalizers = 1), NamespaceStatus = 3 (phase = 1).
  message(w, 2, (s) => str(s, 1, 'kubernetes'));
  message(w, 3, (s) => str(s, 1, phase));
  return wrapUnknown('v1', 'Namespace', w.finish());
}

describe('decodePod', () => {
  it('decodes metadata, node and phase', () => {
    expect(decodePod(pod())).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'coredns-7745f9f87f-x2k9p',
        namespace: 'kube-system',
        uid: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
        creationTimestamp: '2024-05-01T10:00:00Z',
        labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '7745f9f87f' },
        annotations: { 'cni.projectcalico.org/podIP': '10.1.19.2/32' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'coredns-7745f9f87f',
            uid: '1a2b3c4d-0000-4000-8000-00000000aaaa',
            controller: true,
          },
        ],
        finalizers: [],
      },
      spec: { serviceAccountName: 'coredns', nodeName: 'node-1' },
      status: {
        phase: 'Running',
        hostIP: '192.168.1.11',
        podIP: '10.1.19.2',
        startTime: '2024-05-01T10:00:05Z',
      },
    });
  });

  it('rejects a Service', () => {
    expect(() => decodePod(service())).toThrow(expect.objectContaining({ reason: 'wrong-kind' }));
  });
});

describe('decodeService', () => {
  it('decodes type, clusterIP, ports and selector', () => {
    const svc = decodeService(service());
    expect(svc.metadata).toMatchObject({ name: 'kube-dns', namespace: 'kube-system' });
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      clusterIP: '10.152.183.10',
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53 },
      ],
      selector: { 'k8s-app': 'kube-dns' },
    });
  });
});

describe('decodeNamespace', () => {
  it('decodes an active namespace', () => {
    const ns = decodeNamespace(namespace('Active', false));
    expect(ns.metadata.name).toBe('team-a');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.deletionTimestamp).toBeUndefined();
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('decodes a namespace stuck terminating on a finalizer', () => {
    const ns = decodeNamespace(namespace('Terminating', true));
    expect(ns.status.phase).toBe('Terminating');
    expect(ns.metadata.deletionTimestamp).toBe('2024-05-01T10:40:00Z');
    expect(ns.metadata.finalizers).toEqual(['example.com/cleanup']);
  });
});

describe('decodeObjectMeta', () => {
  it('reads the metadata of any protobuf kind', () => {
    expect(decodeObjectMeta(pod())).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'coredns-7745f9f87f-x2k9p', namespace: 'kube-system' },
    });
    const lease = storedValue('k8s.io.api.coordination.v1.Lease', 'coordination.k8s.io/v1', 'Lease', {
      metadata: { name: 'node-1', namespace: 'kube-node-lease' },
    });
    expect(decodeObjectMeta(lease)).toMatchObject({ kind: 'Lease', metadata: { name: 'node-1' } });
  });

  it('refuses Secrets: their annotations can hold the secret data', () => {
    const w = protobuf.Writer.create();
    objectMeta(w, {
      name: 'db',
      namespace: 'default',
      extra: (m) =>
        mapEntry(
          m,
          12,
          'kubectl.kubernetes.io/last-applied-configuration',
          '{"data":{"password":"aHVudGVyMg=="}}',
        ),
    });
    // Secret.data = 2 (map<string, bytes>)
    message(w, 2, (e) => {
      str(e, 1, 'password');
      e.uint32(tag(2, LEN)).bytes(Buffer.from('hunter2'));
    });
    const secret = wrapUnknown('v1', 'Secret', w.finish());
    expect(() => decodeObjectMeta(secret)).toThrow(
      expect.objectContaining({ name: 'ValueDecodeError', reason: 'refused' }),
    );
  });
});

describe('core/v1 decoders on damaged object bytes', () => {
  it('throw nothing but ValueDecodeError', () => {
    assertOnlyDecodeErrors(decodePod, 'v1', 'Pod', decodeEnvelope(pod()).raw);
    assertOnlyDecodeErrors(decodeService, 'v1', 'Service', decodeEnvelope(service()).raw);
    assertOnlyDecodeErrors(decodeNamespace, 'v1', 'Namespace', decodeEnvelope(namespace('Active', true)).raw);
    assertOnlyDecodeErrors(decodeObjectMeta, 'v1', 'ConfigMap', decodeEnvelope(pod()).raw);
  });
});
