import { escapeText as x } from './escape.ts';

export interface RssItem {
  title: string;
  description: string;
  link: string;
  category: string;
  pubDate: Date;
  guid: string;
}

export interface RssChannel {
  title: string;
  link: string;
  description: string;
  items: RssItem[];
}

/** RFC 822 dates, as RSS 2.0 wants (`Mon, 28 Jun 2010 22:17:06 GMT`). */
function rfc822(date: Date): string {
  return date.toUTCString();
}

/**
 * An RSS 2.0 document. Readers render `<description>` as HTML, so it is escaped twice: for HTML
 * (the text as written, never markup) and then for XML. Titles and categories are plain text.
 */
export function renderRss(channel: RssChannel): string {
  const items = channel.items
    .map(
      (item) => `    <item>
      <title>${x(item.title)}</title>
      <description>${x(x(item.description))}</description>
      <link>${x(item.link)}</link>
      <category>${x(item.category)}</category>
      <pubDate>${rfc822(item.pubDate)}</pubDate>
      <guid isPermaLink="true">${x(item.guid)}</guid>
    </item>`,
    )
    .join('\n');
  const lastBuild = channel.items[0] ? `\n    <lastBuildDate>${rfc822(channel.items[0].pubDate)}</lastBuildDate>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>${x(channel.title)}</title>
    <link>${x(channel.link)}</link>
    <description>${x(x(channel.description))}</description>${lastBuild}
${items}
  </channel>
</rss>
`;
}
