/**
 * Points in the runner where a test can inject a failure (a thrown error, or a process killed
 * there): before the transaction commits, and after it committed but before the relay.
 */
export type FaultPoint = 'before-commit' | 'after-commit';

/** `label` names the work (the job's name and id for a job). */
type Hook = (point: FaultPoint, label: string) => void | Promise<void>;

let hook: Hook | undefined;

/** Test hook: called at every fault point of every run; undefined to stop. */
export function injectFaults(next: Hook | undefined): void {
  hook = next;
}

export async function faultPoint(point: FaultPoint, label: string): Promise<void> {
  if (hook) await hook(point, label);
}
