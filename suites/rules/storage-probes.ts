/**
 * The judges of the storage rows whose evidence is what probe pods saw:
 * ra2.stg.001 (a container writes, reads back and executes from its
 * ephemeral root filesystem), ra2.stg.002 (a volume carries data between two
 * containers) and ra2.stg.004 (a PersistentVolume keeps data after the pod
 * that wrote it is gone). The suite runs the pods; these functions decide.
 */
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';

/** The bytes stg.001's probe writes to the root filesystem: 16 MiB. */
export const ephemeralBlobBytes = 16 * 2 ** 20;

/** What the stg.001 probe printed (its key=value lines), and where it ran. */
export interface EphemeralObservation {
  node?: string;
  /** rootfs, written, sum1 (checksum written), sum2 (checksum read back), exec. */
  fields: ReadonlyMap<string, string>;
  stderr: string;
}

/** What went wrong in the stg.001 probe, one phrase a step; empty when each step worked. */
export function ephemeralProblems(fields: ReadonlyMap<string, string>): string[] {
  const written = fields.get('written');
  const [sum1, sum2] = [fields.get('sum1'), fields.get('sum2')];
  return [
    ...(written === String(ephemeralBlobBytes)
      ? []
      : [`wrote ${written || 'no'} bytes of ${ephemeralBlobBytes}`]),
    ...(!sum1
      ? ['no checksum of the bytes written']
      : sum1 === sum2
        ? []
        : [`read back checksum ${sum2 || '(none)'}, wrote ${sum1}`]),
    ...(fields.get('exec') === 'ok'
      ? []
      : [`running a binary copied to the root filesystem: ${fields.get('exec') ?? 'no answer'}`]),
  ];
}

export function judgeEphemeralStorage(o: EphemeralObservation): Verdict {
  const f = o.fields;
  const evidence = {
    node: o.node,
    rootFilesystem: f.get('rootfs'),
    bytesWritten: f.get('written'),
    checksumWritten: f.get('sum1'),
    checksumRead: f.get('sum2'),
    executedFromWritableLayer: f.get('exec'),
    stderr: o.stderr.trim().slice(0, 300),
  };
  const problems = ephemeralProblems(f);
  return problems.length === 0
    ? pass(
        `the container wrote, read back and executed from its ${f.get('rootfs') ?? ''} root filesystem on ${o.node ?? '?'}`,
        evidence,
      )
    : fail(
        'a container to write 16 MiB to, read it back from and execute from its ephemeral root filesystem',
        `${problems.join('; ')} (on ${o.node ?? '?'}${evidence.stderr ? `; stderr: ${evidence.stderr}` : ''})`,
        evidence,
      );
}

/** What stg.002's two containers did: the writer's exit code, what the reader read. */
export interface SharedVolumeObservation {
  token: string;
  writerExitCode: number;
  read: { stdout: string; stderr: string };
}

export function judgeSharedVolume(o: SharedVolumeObservation): Verdict {
  const read = o.read.stdout.trim();
  const evidence = {
    wrote: o.writerExitCode,
    read,
    expected: o.token,
    mounts: ['probe: /shared', 'reader: /data (read-only)'],
  };
  return read === o.token
    ? pass('a volume attached to two containers carried data from one to the other', evidence)
    : fail(
        `the reader container to read "${o.token}" from the shared volume`,
        `read "${read}" ${o.read.stderr.trim()}`,
        evidence,
      );
}

/** stg.004: the checksums of what the first pod wrote and the second read, and where. */
export interface PersistenceObservation {
  written: string;
  read: string;
  writerNode?: string;
  readerNode?: string;
  /** "pv-name (source)" or "not bound". */
  volume: string;
}

export function judgePersistence(o: PersistenceObservation): Verdict {
  const evidence = {
    volume: o.volume,
    writer: `${o.writerNode ?? '?'}: sha256 ${o.written}`,
    reader: `${o.readerNode ?? '?'}: sha256 ${o.read}`,
  };
  return o.written !== '' && o.read === o.written
    ? pass(
        'a PersistentVolume kept 1 MiB of random bytes after the pod that wrote them was deleted; a new pod read them back',
        evidence,
      )
    : fail(
        'the second pod to read the bytes the first pod wrote',
        `wrote ${o.written || '(nothing)'}, read ${o.read || '(nothing)'}`,
        evidence,
      );
}
