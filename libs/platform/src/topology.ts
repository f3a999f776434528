import { readFileSync } from 'node:fs';

export type NodeTier = 'city' | 'district' | 'community' | 'monitor';

/** One node of the federation as the topology file describes it. */
export interface TopologyNode {
  code: string;
  name: string;
  tier: NodeTier;
  port: number;
  /** Code of the node one tier up; undefined for the city and the monitor. */
  parent?: string;
  /** Codes of the nodes one tier down. */
  children: string[];
}

/** The whole federation: every node by code. */
export class Topology {
  constructor(private readonly nodes: ReadonlyMap<string, TopologyNode>) {}

  get(code: string): TopologyNode {
    const node = this.nodes.get(code);
    if (!node) throw new Error(`node ${code} is not in the topology`);
    return node;
  }

  has(code: string): boolean {
    return this.nodes.has(code);
  }

  all(): TopologyNode[] {
    return [...this.nodes.values()];
  }

  /** True when `code` is `ancestor` itself or lies anywhere below it. */
  isWithin(code: string, ancestor: string): boolean {
    for (
      let node = this.nodes.get(code);
      node;
      node = node.parent ? this.nodes.get(node.parent) : undefined
    ) {
      if (node.code === ancestor) return true;
    }
    return false;
  }

  /** `code` and every node above it, the root first. */
  lineage(code: string): string[] {
    const chain: string[] = [];
    for (let c: string | undefined = code; c; c = this.get(c).parent) chain.unshift(c);
    return chain;
  }

  /** The child of `node` under which `code` lies, or undefined (at `code` itself, or elsewhere). */
  childToward(node: TopologyNode, code: string): string | undefined {
    return node.children.find((child) => this.isWithin(code, child));
  }

  static fromFile(file: string): Topology {
    return Topology.parse(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  }

  static parse(raw: unknown, source = 'topology'): Topology {
    const nodes = new Map<string, TopologyNode>();
    const fail = (why: string): never => {
      throw new Error(`${source}: ${why}`);
    };
    const add = (
      tier: NodeTier,
      value: unknown,
      codeLength: number | null,
      parent?: string,
    ): TopologyNode => {
      const v = value as { code?: unknown; name?: unknown; port?: unknown };
      if (
        typeof v?.code !== 'string' ||
        (codeLength !== null && !new RegExp(`^\\d{${codeLength}}$`).test(v.code))
      ) {
        fail(`a ${tier} needs a ${codeLength ?? ''}-digit string code, got ${JSON.stringify(v?.code)}`);
      }
      const code = v.code as string;
      if (parent && codeLength === 12 && !code.startsWith(parent))
        fail(`community ${code} is not under ${parent}`);
      if (typeof v.name !== 'string' || !v.name) fail(`${code} needs a name`);
      if (!Number.isInteger(v.port)) fail(`${code} needs an integer port`);
      if (nodes.has(code)) fail(`${code} appears twice`);
      const node: TopologyNode = {
        code,
        name: v.name as string,
        tier,
        port: v.port as number,
        parent,
        children: [],
      };
      nodes.set(code, node);
      if (parent) nodes.get(parent)?.children.push(code);
      return node;
    };
    const root = raw as { city?: { districts?: unknown[] }; monitor?: unknown };
    if (!root?.city) fail('a city is required');
    const city = add('city', root.city, 6);
    for (const d of root.city?.districts ?? []) {
      const district = add('district', d, 6, city.code);
      for (const c of (d as { communities?: unknown[] }).communities ?? [])
        add('community', c, 12, district.code);
    }
    if (root.monitor) add('monitor', root.monitor, null);
    return new Topology(nodes);
  }
}
