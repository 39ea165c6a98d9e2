import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One certificate issued by the test CA: PEM files, and `pem` = key then certificate (Kafka's PEM keystore). */
export interface TestCertificate {
  readonly subject: string;
  readonly cert: string;
  readonly key: string;
  readonly pem: string;
}

export interface TestPki {
  /** The CA certificate (PEM) that signed every certificate below: the truststore of servers and clients. */
  readonly ca: string;
  issue(name: string): TestCertificate;
}

/** Binaries a test needs that are not on PATH: `[]` when all are there. */
export function missingBinaries(names: readonly string[]): string[] {
  return names.filter((n) => spawnSync('sh', ['-c', `command -v ${n}`]).status !== 0);
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

/**
 * A throwaway certificate authority in `dir`, made with openssl, and certificates it signs for 127.0.0.1 and
 * localhost (server and client use at once, so one certificate can serve a broker and its own inter-broker client).
 * EC P-256 keys: a few milliseconds each, where RSA would cost seconds on a loaded machine. Valid for one day.
 */
export function createTestPki(dir: string): TestPki {
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', ca, '-days', '1', '-subj', '/CN=offerstream-test-ca']);
  const ext = join(dir, 'leaf.ext');
  writeFileSync(
    ext,
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      '',
    ].join('\n'),
  );
  const issue = (name: string): TestCertificate => {
    const [key, csr, cert, pem] = ['key', 'csr', 'crt', 'pem'].map((e) => join(dir, `${name}.${e}`)) as [
      string,
      string,
      string,
      string,
    ];
    openssl(['req', ...ec, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
    openssl(
      ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-days', '1'].concat([
        '-extfile',
        ext,
        '-out',
        cert,
      ]),
    );
    writeFileSync(pem, readFileSync(key, 'utf8') + readFileSync(cert, 'utf8'), { mode: 0o600 });
    return { subject: `CN=${name}`, cert, key, pem };
  };
  return { ca, issue };
}
