import { Body, Controller, Get, Header, Inject, Param, Put, Query, Req } from '@nestjs/common';
import { ITEM_CODE } from '@fed/contracts';
import { NODE_CONFIG, NodeConfig } from '@fed/platform';
import type { FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { ListItemsQuery, PublishItemDto } from './catalog.dto';
import { CatalogError } from './catalog.errors';
import { CatalogEntry, CatalogService } from './catalog.service';

const guidePath = (code: string) => `/api/v1/public/catalog/items/${encodeURIComponent(code)}/guide`;

/** The catalog that applies at this node, and publishing at the city and the districts. */
@Controller('api/v1/catalog/items')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  @Get()
  async list(@Query() query: ListItemsQuery) {
    const items = await this.catalog.list(query.includeWithdrawn);
    return { items: items.map(({ guide: _guide, ...summary }) => summary), total: items.length };
  }

  @Get(':code')
  async get(@Param('code') code: string, @Req() req: FastifyRequest) {
    const item = await this.catalog.get(code);
    return {
      ...item,
      guideUrl: absolute(this.config.publicBaseUrl, req, guidePath(code)),
      qrCodeUrl: `/api/v1/catalog/items/${code}/qr.svg`,
    };
  }

  /** A QR code (SVG) that opens the item's guide page. */
  @Get(':code/qr.svg')
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  async qr(@Param('code') code: string, @Req() req: FastifyRequest): Promise<string> {
    await this.catalog.get(code);
    return QRCode.toString(absolute(this.config.publicBaseUrl, req, guidePath(code)), {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
    });
  }

  /** Publishes the next version of one of this node's items (city or district). */
  @Put(':code')
  async publish(@Param('code') code: string, @Body() dto: PublishItemDto) {
    if (!ITEM_CODE.test(code)) {
      throw CatalogError.invalid('the item code must be 3–40 letters, digits or -');
    }
    return this.catalog.publish(code, dto);
  }
}

/** The guide page a QR code opens: what a citizen needs to apply. */
@Controller('api/v1/public/catalog/items')
export class GuideController {
  constructor(private readonly catalog: CatalogService) {}

  @Get(':code/guide')
  @Header('content-type', 'text/html; charset=utf-8')
  async guide(@Param('code') code: string): Promise<string> {
    return guidePage(await this.catalog.get(code));
  }
}

function absolute(base: string | null, req: FastifyRequest, path: string): string {
  return base ? new URL(path, base).toString() : `${req.protocol}://${req.hostname}${path}`;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function guidePage(i: CatalogEntry): string {
  const fee = i.feeFen === 0 ? '免费' : `${(i.feeFen / 100).toFixed(2)} 元`;
  const limit = i.promisedDays === 0 ? '即办' : `${i.promisedDays} 个工作日（法定 ${i.legalDays} 个工作日）`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escape(i.name)} · 办事指南</title></head><body>
<h1>${escape(i.name)}</h1>
<p>实施编码 ${escape(i.code)} · 第 ${i.version} 版 · ${escape(i.department)}</p>
<p>承诺时限：${escape(limit)}，收费：${escape(fee)}</p>
<h2>申请材料</h2><ol>${i.materials.map((m) => `<li>${escape(m)}</li>`).join('')}</ol>
<h2>办事指南</h2><div style="white-space:pre-wrap">${escape(i.guide)}</div>
${i.status === 'withdrawn' ? '<p><strong>本事项已停止受理。</strong></p>' : ''}
</body></html>`;
}
