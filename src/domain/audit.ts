/** One line of the audit log: who did what to which target, when. */
export interface AuditEntry {
  id: number;
  at: number;
  /** `kind:name` of who acted, as events record their author. */
  actor: string;
  /** `topic.verb`, e.g. `service.created`, `login.failed`. */
  action: string;
  target: string;
  detail: string;
  address: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'target' | 'detail' | 'address'> &
  Partial<Pick<AuditEntry, 'target' | 'detail' | 'address'>>;
