import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { asyncApiDocument, topicJsonSchemas } from './contract-docs';
import { TOPICS } from './topics';

describe('exported contract documents', () => {
  it('has a JSON Schema and an AsyncAPI channel for every topic', () => {
    const schemas = topicJsonSchemas();
    const doc = asyncApiDocument() as { channels: Record<string, { address: string }> };
    for (const [id, t] of Object.entries(TOPICS)) {
      expect(schemas[t.name]).toBeDefined();
      expect(doc.channels[id]?.address).toBe(t.name);
    }
  });

  it('matches the committed files in docs/ (regenerate with tools/generate-contract-docs.ts)', () => {
    const root = join(__dirname, '..', '..', '..');
    expect(() =>
      execFileSync(
        process.execPath,
        [join(root, 'tools/run-ts.cjs'), join(root, 'tools/generate-contract-docs.ts'), '--check'],
        {
          stdio: 'pipe',
        },
      ),
    ).not.toThrow();
  });
});
