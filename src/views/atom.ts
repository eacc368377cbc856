import { escapeText as x } from './escape.ts';

export interface AtomEntry {
  /** A permanent IRI identifying the entry. */
  id: string;
  title: string;
  summary: string;
  link: string;
  category: string;
  updated: Date;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle: string;
  /** The HTML page the feed is about. */
  link: string;
  /** The feed's own URL (with its query). */
  self: string;
  author: string;
  /** When nothing is in the feed: the feed still needs an `updated`. */
  fallbackUpdated: Date;
  entries: AtomEntry[];
}

/** An Atom 1.0 document (RFC 4287); every value goes through the escape helper. */
export function renderAtom(feed: AtomFeed): string {
  const updated = (feed.entries[0]?.updated ?? feed.fallbackUpdated).toISOString();
  const entries = feed.entries
    .map(
      (e) => `  <entry>
    <id>${x(e.id)}</id>
    <title>${x(e.title)}</title>
    <link rel="alternate" type="text/html" href="${x(e.link)}"/>
    <category term="${x(e.category)}"/>
    <updated>${e.updated.toISOString()}</updated>
    <summary type="text">${x(e.summary)}</summary>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${x(feed.id)}</id>
  <title>${x(feed.title)}</title>
  <subtitle>${x(feed.subtitle)}</subtitle>
  <link rel="alternate" type="text/html" href="${x(feed.link)}"/>
  <link rel="self" type="application/atom+xml" href="${x(feed.self)}"/>
  <author><name>${x(feed.author)}</name></author>
  <updated>${updated}</updated>
${entries}
</feed>
`;
}
