import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { CONSOLE_WEB_DIR, loadConsoleAssets } from './console.controller';

const modules = readdirSync(CONSOLE_WEB_DIR).filter((f) => f.endsWith('.js'));
const source = (f: string): string => readFileSync(join(CONSOLE_WEB_DIR, f), 'utf8');

describe("the console's browser code", () => {
  it('type-checks under strict checkJs with the DOM and Chart.js types', () => {
    const configPath = join(CONSOLE_WEB_DIR, 'tsconfig.json');
    const { config } = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p)) as { config: unknown };
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, CONSOLE_WEB_DIR);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(parsed.fileNames.length).toBe(modules.length);
    expect(problems).toEqual([]);
  }, 60_000);

  it('never parses strings as HTML: every element comes from the DOM builder', () => {
    const parsing = /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/;
    expect(modules.filter((f) => parsing.test(source(f)))).toEqual([]);
  });

  it('has a page with no inline script, style or handler, so the strict CSP needs no exception', () => {
    const html = source('index.html');
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts).toEqual([
      '<script src="/console/assets/chart.umd.min.js" defer>',
      '<script type="module" src="/console/assets/app.js">',
    ]);
    expect(html).not.toMatch(/<script[^>]*>[^<]+<\/script>|<style|\son[a-z]+=|\sstyle=/i);
  });

  it('serves only the files of its own folder, and Chart.js from the installed package', () => {
    const assets = loadConsoleAssets();
    expect([...assets.keys()].sort()).toEqual(
      [...readdirSync(CONSOLE_WEB_DIR).filter((f) => /\.(js|css|html)$/.test(f)), 'chart.umd.min.js'].sort(),
    );
    expect(assets.get('chart.umd.min.js')?.body.toString('utf8', 0, 200)).toMatch(/Chart\.js v4/);
    expect(assets.get('app.js')?.type).toBe('text/javascript; charset=utf-8');
  });
});
