import { describe, expect, it } from 'vitest';
import { keyPrefix, parseLineTime, parseLogLine } from '../src/lock/log-line.js';

// The incident's own lines (issue 5), as kubelite and the controllers log them.
const LOCKED =
  'E0402 10:11:12.345678   12345 leaderelection.go:367] Failed to update lock: rpc error: code = Unknown desc = update transaction failed for key /registry/leases/kube-system/kube-controller-manager: exec (try: 500): database is locked';
const FORBIDDEN =
  'E0402 10:11:13.000001   2222 reflector.go:147] failed to list *v1.Pod: pods is forbidden: User "system:serviceaccount:kube-system:calico-kube-controllers" cannot list resource "pods" in API group "" at the cluster scope';
const NOW = Date.UTC(2026, 3, 10);

describe('parseLogLine', () => {
  it('reads tries, key, prefix and the klog time of a lock error', () => {
    expect(parseLogLine(LOCKED, NOW)).toEqual({
      kind: 'lock',
      tries: 500,
      key: '/registry/leases/kube-system/kube-controller-manager',
      prefix: 'leases',
      at: Date.UTC(2026, 3, 2, 10, 11, 12, 345),
    });
  });

  it('reads the service account of an RBAC denial', () => {
    expect(parseLogLine(FORBIDDEN, NOW)).toMatchObject({
      kind: 'forbidden',
      serviceAccount: 'kube-system/calico-kube-controllers',
    });
  });

  it('finds the lock error inside JSON-escaped structured logs too', () => {
    const json = JSON.stringify({ level: 'error', ts: '2026-04-02T10:11:12.5Z', msg: LOCKED.slice(40) });
    expect(parseLogLine(json, NOW)).toMatchObject({ tries: 500, at: Date.parse('2026-04-02T10:11:12.5Z') });
    const denied = JSON.stringify({ msg: FORBIDDEN });
    expect(parseLogLine(denied, NOW)).toMatchObject({
      serviceAccount: 'kube-system/calico-kube-controllers',
    });
  });

  it('counts a lock error without tries or key', () => {
    expect(parseLogLine('Apr  2 10:11:12 node k8s-dqlite[1]: query: database is locked', NOW)).toEqual({
      kind: 'lock',
      tries: undefined,
      key: undefined,
      prefix: 'unknown',
      at: Date.UTC(2026, 3, 2, 10, 11, 12),
    });
  });

  it('ignores everything else', () => {
    expect(parseLogLine('I0402 10:11:12.000000 1 controller.go:1] synced', NOW)).toBeUndefined();
    expect(parseLogLine('', NOW)).toBeUndefined();
  });
});

describe('keyPrefix and parseLineTime', () => {
  it('keeps only the resource part of a key', () => {
    expect(keyPrefix('/registry/pods/default/web-1')).toBe('pods');
    expect(keyPrefix('/registry/services/specs/default/kubernetes')).toBe('services/specs');
    expect(keyPrefix('/registry/crd.projectcalico.org/ipamhandles/k8s-pod-network.abc')).toBe(
      'crd.projectcalico.org/ipamhandles',
    );
    expect(keyPrefix('/calico/ipam/v2/handle/x')).toBe('calico');
    expect(keyPrefix(undefined)).toBe('unknown');
  });

  it('puts a yearless December line in last year when read in January', () => {
    const january = Date.UTC(2027, 0, 1, 0, 5);
    expect(parseLineTime('E1231 23:59:59.000000 1 x.go:1] y', january)).toBe(
      Date.UTC(2026, 11, 31, 23, 59, 59),
    );
  });
});
