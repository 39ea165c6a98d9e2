import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Redirect, Res } from '@nestjs/common';
import { Public } from '@offerstream/platform';

/** Where the console's page, styles and browser modules are (copied beside the compiled code by the image build). */
export const CONSOLE_WEB_DIR = join(__dirname, 'web');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** The slice of express' response the asset route uses (no @types/express in the workspace). */
interface AssetResponse {
  setHeader(name: string, value: string): void;
  send(body: Buffer): void;
}

/** Every servable file, read once at boot: a request can only name a file listed here, never a path. */
export function loadConsoleAssets(dir = CONSOLE_WEB_DIR): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  // Chart.js from the installed package (no CDN): its UMD build defines the global `Chart` the pages use.
  assets.set('chart.umd.min.js', {
    type: TYPES['.js'] as string,
    body: readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js')),
  });
  if (!assets.has('index.html')) throw new Error(`console page missing from ${dir}`);
  return assets;
}

/**
 * The marketer's console: a static page and its modules. They carry no data, so they are open; every figure comes
 * from the API with the operator's key (see docs/security.md). No inline script or style anywhere, so the strict
 * Content-Security-Policy applies unchanged.
 */
@Controller()
@Public()
export class ConsoleController {
  private readonly assets = loadConsoleAssets();
  private readonly html = (this.assets.get('index.html') as Asset).body.toString('utf8');

  @Get('console')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return this.html;
  }

  @Get('console/assets/:name')
  asset(@Param('name') name: string, @Res() res: AssetResponse): void {
    const asset = name === 'index.html' ? undefined : this.assets.get(name);
    if (!asset) throw new NotFoundException(`no console asset ${name}`);
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', 'no-cache');
    res.send(asset.body);
  }

  /** The former read-only dashboard lives on as the console's campaign list. */
  @Get('dashboard')
  @Redirect('/console', 301)
  dashboard(): void {}
}
