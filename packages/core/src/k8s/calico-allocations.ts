import type { IpamBlock } from './calico.js';

/** One allocated address of an IPAMBlock, joined with the attributes naming its owner. */
export interface BlockAllocation {
  /** Offset of the address within the block. */
  ordinal: number;
  /** The address itself (block base + ordinal); undefined when the block CIDR does not parse. */
  address?: string;
  handleId?: string;
  namespace?: string;
  pod?: string;
  node?: string;
  /** `ipipTunnelAddress`, `vxlanTunnelAddress`, … for calico-node's own addresses. */
  type?: string;
  /** All secondary attributes, including the ones lifted out above. */
  attributes: Record<string, string>;
}

/** Parse `a.b.c.d` or an IPv6 address into its integer value and family, or null. */
function parseAddress(text: string): { value: bigint; bits: 32 | 128 } | null {
  if (text.includes('.') && !text.includes(':')) {
    const octets = text.split('.');
    if (octets.length !== 4) return null;
    let value = 0n;
    for (const o of octets) {
      if (!/^\d{1,3}$/.test(o) || Number(o) > 255) return null;
      value = (value << 8n) | BigInt(o);
    }
    return { value, bits: 32 };
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  let value = 0n;
  for (const g of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return { value, bits: 128 };
}

/** Format an address integer; IPv6 is compressed as RFC 5952 says (longest zero run becomes `::`). */
function formatAddress(value: bigint, bits: 32 | 128): string {
  if (bits === 32) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // RFC 5952: a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The address at `ordinal` within `cidr`, or undefined when the CIDR does not parse or is too small. */
export function addressInCidr(cidr: string, ordinal: number): string | undefined {
  const [base, prefixText] = cidr.split('/');
  const parsed = parseAddress(base ?? '');
  const prefix = Number(prefixText);
  if (!parsed || !Number.isInteger(prefix) || prefix < 0 || prefix > parsed.bits) return undefined;
  if (ordinal < 0 || BigInt(ordinal) >= 1n << BigInt(parsed.bits - prefix)) return undefined;
  return formatAddress(parsed.value + BigInt(ordinal), parsed.bits);
}

/**
 * List the allocated addresses of a block with their owners. This is how a handle relates to its pod:
 * allocation i points at attributes[allocations[i]], whose `handle_id` is the IPAMHandle's handleID and
 * whose secondary `namespace`/`pod` name the pod (libcalico-go lib/backend/model/block.go).
 */
export function listBlockAllocations(block: IpamBlock): BlockAllocation[] {
  const out: BlockAllocation[] = [];
  block.allocations.forEach((index, ordinal) => {
    if (index === null) return;
    const attribute = block.attributes[index];
    const attributes = { ...attribute?.secondary };
    const allocation: BlockAllocation = { ordinal, attributes };
    const address = addressInCidr(block.cidr, ordinal);
    if (address !== undefined) allocation.address = address;
    if (attribute?.handleId !== undefined) allocation.handleId = attribute.handleId;
    for (const key of ['namespace', 'pod', 'node', 'type'] as const) {
      const v = attributes[key];
      if (v !== undefined) allocation[key] = v;
    }
    out.push(allocation);
  });
  return out;
}
