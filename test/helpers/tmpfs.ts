import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Small tmpfs mounts for the disk fault tests: a full disk (ENOSPC) and a read-only folder (EROFS).
 * chmod 0555 does not stop root (CI runs as root), a read-only mount does. Mounting needs root (or
 * CAP_SYS_ADMIN); {@link canMountTmpfs} probes once so the tests can skip with that reason where
 * mount is impossible (an unprivileged container), and only there.
 */

export function mountTmpfs(dir: string, size: string, readOnly = false): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', dir], {
    stdio: 'ignore',
  });
}

/** Changes a mount's options in place (files stay): `size=10m`, `ro`, `rw`. */
export function remount(dir: string, options: string): void {
  execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'ignore' });
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
}

/** Whether this process may mount a tmpfs, remount it read-only and unmount it (probed for real). */
export function canMountTmpfs(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'meshparts-mount-probe-'));
  try {
    mountTmpfs(dir, '64k');
    try {
      remount(dir, 'ro');
      return true;
    } finally {
      unmount(dir);
    }
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
