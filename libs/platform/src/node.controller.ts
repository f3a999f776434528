import { Controller, Get, Header, Inject } from '@nestjs/common';
import { NODE_CONFIG, NodeConfig } from './config';
import { Metrics } from './metrics';

@Controller()
export class NodeController {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly metrics: Metrics,
  ) {}

  /** Who this node is and where it sits in the federation. */
  @Get('api/v1/node')
  node() {
    const { node, topology } = this.config;
    const brief = (code: string) => {
      const n = topology.get(code);
      return { code: n.code, name: n.name, tier: n.tier };
    };
    return {
      tier: node.tier,
      code: node.code,
      name: node.name,
      parent: node.parent ? brief(node.parent) : null,
      children: node.children.map(brief),
    };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
