// A server component (no 'use client' here): the App Router root layout renders the client component
// from aicado-embed/react, as the README's React section shows.
import type { ReactNode } from 'react';
import { AicadoAgent } from 'aicado-embed/react';

export const metadata = { title: 'Next.js app' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        {children}
        <AicadoAgent agentId="demo" apiBase={process.env.NEXT_PUBLIC_AICADO_API_BASE} params={{ user_id: 'u_next', plan: 'pro' }} />
      </body>
    </html>
  );
}
