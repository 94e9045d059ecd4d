/** Random secrets the nodes of one installation share (e.g. the device-cookie MAC key). */
export interface ServerSecretsStore {
  /**
   * The secret named `name`; the first caller on any node stores `candidate` and every caller gets the
   * one that was stored (an insert that does nothing on conflict, then a read).
   */
  getOrCreate(name: string, candidate: string, now: number): Promise<string>;
}
