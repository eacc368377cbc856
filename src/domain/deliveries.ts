/** One delivery of a notification to a channel, with each attempt made, as the channel's history shows it. */
export interface DeliveryHistoryEntry {
  id: number;
  outboxId: number;
  topic: string;
  state: string;
  attempts: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  lastError: string;
  createdAt: number;
  /** The exact body the delivery sends (channels), written when it was planned. */
  payload: string | null;
  tries: Array<{ at: number; durationMs: number; ok: boolean; statusCode: number | null; error: string }>;
}
