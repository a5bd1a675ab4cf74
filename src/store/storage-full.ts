// A store that has run out of space (the disk, or a database size limit): SQLite's SQLITE_FULL, PostgreSQL's
// disk_full (53100), or the system's ENOSPC, anywhere in the error's cause chain. Nothing is lost when this
// happens (the write is rolled back) and writes work again once there is room, so it is an answer for the
// client (507), not an internal error.
const FULL_CODES = new Set(['SQLITE_FULL', '53100', 'ENOSPC']);

export function isStorageFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && FULL_CODES.has(code)) return true;
  }
  return false;
}
