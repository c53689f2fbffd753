// A throwaway CA and a localhost server certificate, made with the openssl CLI and cached in the temp
// dir: the agents speak real TLS to the scripted model server, trusting the CA through
// NODE_EXTRA_CA_CERTS (node and Bun builds of Claude Code) or SSL_CERT_FILE (Codex's rustls).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  /** PEM of the CA: what clients must trust. */
  caFile: string;
  keyFile: string;
  certFile: string;
  key: string;
  cert: string;
}

const openssl = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Still valid for at least a day (a cached pair from a long-lived temp dir may have expired). */
const stillValid = (certFile: string): boolean => {
  try {
    execFileSync('openssl', ['x509', '-checkend', '86400', '-noout', '-in', certFile], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const load = (dir: string): TestCerts => {
  const keyFile = join(dir, 'server.key');
  const certFile = join(dir, 'server.pem');
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    keyFile,
    certFile,
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
  };
};

/** Makes (or reuses) the CA and server cert; built in a scratch dir and renamed into place, so
 * concurrent test processes never see half-written files. */
export function testCerts(dir = join(tmpdir(), `agentpprof-agents-ca-${process.getuid?.() ?? 0}`)): TestCerts {
  if (existsSync(join(dir, 'server.pem')) && stillValid(join(dir, 'server.pem'))) return load(dir);
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=agentpprof test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', 'ca.key', '-out', 'ca.pem'], work);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr'], work);
  // rustls (Codex) insists on a SAN, an end-entity cert and serverAuth; node is laxer.
  writeFileSync(join(work, 'server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n' +
    'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30',
    '-extfile', 'server.ext', '-out', 'server.pem'], work);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return load(dir);
}
