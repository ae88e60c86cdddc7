// One event-loop turn per piece of search work. Replies from model services arrive in batches (a worker's port
// drains many messages in one go; one socket read holds many NATS replies), and requests arrive in batches too.
// Run back to back, their continuations would hold the event loop for hundreds of milliseconds, and health checks,
// deadline timers and new requests would wait behind them. Each waiter here is released in its own turn
// (setImmediate, one at a time), so I/O and timers get their turn between any two of them.
const waiting: Array<() => void> = [];
let pumping = false;

function pump(): void {
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(pump);
  else pumping = false;
}

/** Resolves in an event-loop turn of its own, after the waiters that asked before. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}
