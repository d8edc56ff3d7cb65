// A turn of the event loop, for long synchronous work done in slices: what is waiting
// (answers from the network, workers' results, the walk) goes first.
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
