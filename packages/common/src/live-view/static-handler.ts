/**
 * The live view (a small web page that plots a migration live over the
 * control WebSocket) served by the control port on plain HTTP GETs. A fixed
 * table of paths, nothing else: the page's own files from `live-view/` in this
 * package and uPlot from node_modules (no CDN).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StaticHandler } from '../qmp/servers';

// Found through the package, not __dirname: a bundled daemon (scripts/bundle.mjs) runs this
// code from packages/<bin>/dist/bundle/.
const PAGE_DIR = join(dirname(require.resolve('@livemig/common/package.json')), 'live-view');

/**
 * On every answer: the files hold no secret (no token needed), but no other
 * site may frame the page (clickjacking) and no type is sniffed.
 */
export const LIVE_VIEW_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
});

interface Asset {
  file: string;
  type: string;
}

function assets(): ReadonlyMap<string, Asset> {
  const page = (name: string, type: string): Asset => ({ file: join(PAGE_DIR, name), type });
  const index = page('index.html', 'text/html; charset=utf-8');
  return new Map<string, Asset>([
    ['/', index],
    ['/index.html', index],
    ['/live-view.css', page('live-view.css', 'text/css; charset=utf-8')],
    ['/live-view.js', page('live-view.js', 'text/javascript; charset=utf-8')],
    ['/qmp-browser.js', page('qmp-browser.js', 'text/javascript; charset=utf-8')],
    ['/charts.js', page('charts.js', 'text/javascript; charset=utf-8')],
    ['/format.js', page('format.js', 'text/javascript; charset=utf-8')],
    ['/vendor/uPlot.iife.min.js', { file: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' }],
    ['/vendor/uPlot.min.css', { file: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' }],
  ]);
}

/** A StaticHandler for WsControlServer: answers the live view's paths, leaves the rest (404). */
export function liveViewHandler(onError?: (err: unknown, path: string) => void): StaticHandler {
  const table = assets();
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const asset = table.get(path);
    if (!asset) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...LIVE_VIEW_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return true;
    }
    readFile(asset.file).then(
      (body) => {
        res.writeHead(200, { ...LIVE_VIEW_HEADERS, 'content-type': asset.type, 'content-length': body.length, 'cache-control': 'no-cache' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        onError?.(err, path);
        res.writeHead(500, { ...LIVE_VIEW_HEADERS, 'content-type': 'text/plain' }).end('live view asset unavailable\n');
      },
    );
    return true;
  };
}
