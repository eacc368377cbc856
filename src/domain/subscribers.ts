/** Someone who asked for email notifications (confirmed once `confirmedAt` is set). */
export interface Subscriber {
  id: number;
  email: string;
  /** Service slugs, or null for every service. */
  services: string[] | null;
  pendingServices: string[] | null;
  confirmedAt: number | null;
  createdAt: number;
}
