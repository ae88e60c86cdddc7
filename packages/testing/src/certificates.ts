// Certificates for tests, made with Debian's openssl: a CA, server certificates for localhost and 127.0.0.1, and
// client certificates whose subject names a tenant. Nothing here is fit for anything but a test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  caCert: string;
  caKey: string;
  /** Issues a server certificate for localhost / 127.0.0.1 / ::1; returns its cert and key paths. */
  server(name?: string): { cert: string; key: string };
  /** Issues a client certificate with this common name (and organisation, when given). */
  client(commonName: string, organization?: string): { cert: string; key: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

let serial = 0;

/** A fresh CA in a temporary directory (or `dir`). */
export function makeTestCa(name = 'Arbor Test CA', dir = mkdtempSync(join(tmpdir(), 'arbor-ca-'))): TestCa {
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', `/CN=${name}`], dir);
  const issue = (base: string, subject: string, extensions: string) => {
    const key = join(dir, `${base}.key`);
    const csr = join(dir, `${base}.csr`);
    const cert = join(dir, `${base}.crt`);
    const ext = join(dir, `${base}.ext`);
    writeFileSync(ext, extensions);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', subject], dir);
    openssl(
      ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-set_serial', String(1000 + ++serial), '-out', cert, '-days', '2', '-extfile', ext],
      dir,
    );
    return { cert, key };
  };
  return {
    dir,
    caCert,
    caKey,
    server: (base = 'server') =>
      issue(base, '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n'),
    client: (commonName, organization) =>
      issue(`client-${commonName}`, `/CN=${commonName}${organization ? `/O=${organization}` : ''}`, 'extendedKeyUsage=clientAuth\n'),
  };
}
