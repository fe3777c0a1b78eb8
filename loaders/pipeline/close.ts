/** Closing what a stage opened (the source's temporary files, the database), once, whoever calls first. */

/** A close function that runs `steps` in order the first time it is called; later calls do nothing. */
export function closeOnce(...steps: (() => void | Promise<void>)[]): () => Promise<void> {
  let open = true;
  return async () => {
    if (!open) return;
    open = false;
    for (const step of steps) await step();
  };
}
