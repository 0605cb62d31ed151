import { CALICO_V3_13 } from './calico-lines/v3.13.js';
import { CALICO_V3_14 } from './calico-lines/v3.14.js';
import { CALICO_V3_15 } from './calico-lines/v3.15.js';
import { CALICO_V3_16 } from './calico-lines/v3.16.js';
import { CALICO_V3_17 } from './calico-lines/v3.17.js';
import { CALICO_V3_18 } from './calico-lines/v3.18.js';
import { CALICO_V3_19 } from './calico-lines/v3.19.js';
import { CALICO_V3_20 } from './calico-lines/v3.20.js';
import { CALICO_V3_21 } from './calico-lines/v3.21.js';
import { CALICO_V3_22 } from './calico-lines/v3.22.js';
import { CALICO_V3_23 } from './calico-lines/v3.23.js';
import { CALICO_V3_24 } from './calico-lines/v3.24.js';
import { CALICO_V3_25 } from './calico-lines/v3.25.js';
import { CALICO_V3_26 } from './calico-lines/v3.26.js';
import { CALICO_V3_27 } from './calico-lines/v3.27.js';
import { CALICO_V3_28 } from './calico-lines/v3.28.js';
import { CALICO_V3_29 } from './calico-lines/v3.29.js';
import { CALICO_V3_30 } from './calico-lines/v3.30.js';
import { CALICO_V3_31 } from './calico-lines/v3.31.js';
import { CALICO_V3_32 } from './calico-lines/v3.32.js';
import type { CalicoRelease } from './calico-release.js';

export type { CalicoRelease, CalicoRule } from './calico-release.js';

// The ClusterRole each Calico release line gives calico-kube-controllers, as its own manifest has it: the
// Kubernetes-datastore branch of the chart template (the `{{- else }}` after `if eq .Values.datastore
// "etcd"`), read at every patch release of the line. microk8s ships rendered copies of the same rules
// (canonical/microk8s:upgrade-scripts/000-switch-to-calico/resources/calico.yaml: v3.13.2 @ad29db55,
// v3.17.3 @2e23af37, v3.21.4 @857a2004, v3.23.3 @1766bee5, v3.23.5 @5085639b, v3.25.0 @6c066f12,
// v3.25.1 @58edfc03, v3.28.1 @1698704a, v3.29.3 @bc5e1b31), identical to the rows in calico-lines/ for their line
// (v3.28.1 is one of the patch releases without `list` on kubecontrollersconfigurations).
// The controllers themselves agree: v3.13.2 only gets pods (projectcalico/kube-controllers:
// pkg/controllers/node/ipam.go@v3.13.2 podExists), v3.20.0 starts a pod informer
// (cmd/kube-controllers/main.go@v3.20.0), which is why list/watch on pods appear in v3.20.
// One file a line in calico-lines/, named for it; this list is their order.

/** From the oldest line microk8s installed (v3.13) to the current release. */
export const CALICO_RELEASES: readonly CalicoRelease[] = [
  CALICO_V3_13,
  CALICO_V3_14,
  CALICO_V3_15,
  CALICO_V3_16,
  CALICO_V3_17,
  CALICO_V3_18,
  CALICO_V3_19,
  CALICO_V3_20,
  CALICO_V3_21,
  CALICO_V3_22,
  CALICO_V3_23,
  CALICO_V3_24,
  CALICO_V3_25,
  CALICO_V3_26,
  CALICO_V3_27,
  CALICO_V3_28,
  CALICO_V3_29,
  CALICO_V3_30,
  CALICO_V3_31,
  CALICO_V3_32,
];
