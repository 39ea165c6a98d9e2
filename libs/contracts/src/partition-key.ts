/** Partition keys, so every producer keys the same way; see the `key` of each topic spec. */
export function userKey(event: { userId?: string | undefined; anonymousId?: string | undefined }): string {
  const key = event.userId ?? event.anonymousId;
  if (key === undefined) throw new Error('event has neither userId nor anonymousId');
  return key;
}

export function itemKey(event: { payload: { itemId: string } }): string {
  return event.payload.itemId;
}
