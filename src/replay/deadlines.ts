/**
 * Many deadlines on one timer. Every attempt has a timeout, but almost none fires: a `setTimeout` and a
 * `clearTimeout` per attempt were a measurable share of replaying thousands of fast cases. Here arming and
 * disarming are a Set insert and delete, and the single timer is re-armed only for an earlier deadline.
 * The timer stays referenced, as a per-attempt one would: an agent awaiting forever must still time out.
 */
interface Deadline {
  at: number;
  fire: () => void;
}

const pending = new Set<Deadline>();
let timer: NodeJS.Timeout | undefined;
let timerAt = Infinity;

/** Calls `fire` once `ms` have passed, unless the returned function is called first. */
export function armDeadline(ms: number, fire: () => void): () => void {
  const deadline: Deadline = { at: performance.now() + ms, fire };
  pending.add(deadline);
  if (deadline.at < timerAt) schedule(deadline.at);
  else timer?.ref();
  return () => {
    pending.delete(deadline);
    // With nothing pending the timer stays armed but stops holding the process open: fast cases come and go
    // one after another, and re-creating a timer for each was a measurable share of replaying them. If it
    // fires with nothing due, `expire` simply finds nothing to do.
    if (pending.size === 0) timer?.unref();
  };
}

function schedule(at: number): void {
  if (timer) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(expire, Math.max(0, at - performance.now()));
}

function expire(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = performance.now();
  let next = Infinity;
  const due: Deadline[] = [];
  for (const deadline of pending) {
    // setTimeout may fire a fraction of a millisecond early.
    if (deadline.at <= now + 1) due.push(deadline);
    else next = Math.min(next, deadline.at);
  }
  for (const deadline of due) pending.delete(deadline);
  if (next < Infinity) schedule(next);
  for (const deadline of due) deadline.fire();
}
