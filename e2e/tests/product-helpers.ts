// Orchestration for the product e2e: a real fieldhub process and two real
// app processes (a PM's notebook and a rep's), each on its own port and data
// dir, separate from the suite's shared app. Everything listens on 127.0.0.1
// and is stopped by pid in stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const repo = resolve(process.cwd(), '..');

export interface HubUser {
  id: string;
  email: string;
  role: string;
  token: string;
}

export interface Proc {
  child: ChildProcess;
  log: string[];
}

export interface World {
  hubURL: string;
  pm: HubUser;
  rep: HubUser;
  pmURL: string;
  repURL: string;
  pmDir: string; // the PM app's scratch dir (dialogs/ answers its save dialogs)
  procs: Proc[];
}

export function fieldhubBin(dir: string): string {
  if (process.env.E2E_FIELDHUB_BIN) return process.env.E2E_FIELDHUB_BIN;
  const out = join(dir, 'fieldhub');
  if (!existsSync(out)) {
    const r = spawnSync('go', ['build', '-o', out, './sync/cmd/fieldhub'], { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`go build fieldhub: ${r.stderr}`);
  }
  return out;
}

export function addUser(bin: string, data: string, email: string, role: string): HubUser {
  const r = spawnSync(bin, ['user', 'add', '--data', data, '--email', email, '--role', role], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fieldhub user add: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as HubUser;
}

export function track(child: ChildProcess): Proc {
  const p: Proc = { child, log: [] };
  const keep = (b: Buffer) => {
    p.log.push(b.toString());
    if (p.log.length > 200) p.log.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return p;
}

/** startHub starts `fieldhub serve` on addr (127.0.0.1:0: a port the OS picks) and reads the address from its first log line. */
export async function startHub(bin: string, data: string, addr = '127.0.0.1:0'): Promise<{ url: string; proc: Proc }> {
  const child = spawn(bin, ['serve', '--data', data, '--addr', addr], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = track(child);
  const url = await new Promise<string>((ok, fail) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error(`fieldhub did not start: ${buf}`)), 20_000);
    child.stderr!.on('data', (b: Buffer) => {
      buf += b.toString();
      for (const line of buf.split('\n')) {
        try {
          const j = JSON.parse(line);
          if (j.msg === 'listening' && j.addr) {
            clearTimeout(timer);
            ok(`http://${j.addr}`);
          }
        } catch {
          /* not a whole JSON line yet */
        }
      }
    });
    child.on('exit', (code) => fail(new Error(`fieldhub exited ${code}: ${buf}`)));
  });
  return { url, proc };
}

/** startApp runs the -tags dev app on port with its own data dir; seeded with demo data when demo.
 * link is a fieldnotes:// link to start it with, as a clicked invite does (`fieldnotes %u`). */
export async function startApp(dir: string, port: number, author: string, demo: boolean, link = '', extraEnv: Record<string, string> = {}): Promise<Proc> {
  const bin = resolve(process.env.E2E_APP_BIN ?? join(repo, 'build/bin/fieldnotes-dev'));
  const assets = resolve(process.env.E2E_ASSET_DIR ?? join(repo, 'frontend/dist'));
  mkdirSync(join(dir, 'dialogs'), { recursive: true });
  const env = {
    ...process.env,
    FIELDNOTES_DATA: join(dir, 'data'),
    FIELDNOTES_NO_KEYRING: '1',
    FIELDNOTES_E2E_DIALOG_DIR: join(dir, 'dialogs'),
    FIELDNOTES_AUTHOR: author,
    ...extraEnv,
  };
  if (demo) {
    const r = spawnSync(bin, ['demo'], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`demo: ${r.stderr}`);
  }
  // With a link the link is the only argument (as the .desktop entry runs
  // it), so the dev server's settings go in the variables Wails also reads.
  const child = link
    ? spawn(bin, [link], { env: { ...env, assetdir: assets, devserver: `127.0.0.1:${port}`, loglevel: 'Warning' }, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(bin, ['-assetdir', assets, '-devserver', `127.0.0.1:${port}`, '-loglevel', 'Warning'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = track(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app on ${port} exited: ${proc.log.join('')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return proc;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`app on ${port} did not start: ${proc.log.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.once('error', () => ok(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
  });
}

/** freePort asks the OS for a free loopback port (the app's dev server needs a number). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

/** start brings up the hub (users pm@ and rep@) and the two notebooks, on
 * ports base+1 and base+2 when free, else on ports the OS picks. */
export async function start(base: number): Promise<World> {
  const dir = join(process.env.E2E_DIR ?? '/tmp', `product-${Date.now()}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = fieldhubBin(dir);
  const hubData = join(dir, 'hub');
  const pm = addUser(bin, hubData, 'pm@example.com', 'product');
  const rep = addUser(bin, hubData, 'rep@example.com', 'field');
  const procs: Proc[] = [];
  try {
    const hub = await startHub(bin, hubData);
    procs.push(hub.proc);
    const pmPort = (await isFree(base + 1)) ? base + 1 : await freePort();
    const repPort = (await isFree(base + 2)) ? base + 2 : await freePort();
    const [pmProc, repProc] = await Promise.all([
      startApp(join(dir, 'pm'), pmPort, 'pm', false),
      startApp(join(dir, 'rep'), repPort, 'rep', true),
    ]);
    procs.push(pmProc, repProc);
    return { hubURL: hub.url, pm, rep, pmURL: `http://127.0.0.1:${pmPort}`, repURL: `http://127.0.0.1:${repPort}`, pmDir: join(dir, 'pm'), procs };
  } catch (e) {
    await stop(procs);
    throw e;
  }
}

/** stop ends the processes this helper started, by pid, and waits for them. */
export async function stop(procs: Proc[]) {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((ok) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return ok();
          const t = setTimeout(() => {
            p.child.kill('SIGKILL');
            ok();
          }, 10_000);
          p.child.once('exit', () => {
            clearTimeout(t);
            ok();
          });
          p.child.kill('SIGTERM');
        }),
    ),
  );
}
