/** @jsxImportSource react */
// <aicado-agent> in React 19's JSX, through the published declarations of aicado-embed/element/react.
import 'aicado-embed/element/react';
import { useRef } from 'react';
import type { AicadoAgentElement } from 'aicado-embed/element/react';

export function Chat({ userId, token }: { userId: string; token?: string }) {
  const ref = useRef<AicadoAgentElement>(null);
  return (
    <>
      <aicado-agent
        ref={ref}
        agent-id="demo"
        api-base="https://api.example"
        mode="inline"
        params={{ user_id: userId, plan: 'pro' }}
        signedParams={token}
      />
      <button type="button" onClick={() => ref.current?.open()}>
        Help
      </button>
      {/* @ts-expect-error A_ID is restricted */}
      <aicado-agent agent-id="demo" params={{ A_ID: 1 }} />
      {/* @ts-expect-error a nested object is not a param value */}
      <aicado-agent agent-id="demo" params={{ user: { id: 1 } }} />
      {/* @ts-expect-error mode is 'bubble' or 'inline' */}
      <aicado-agent agent-id="demo" mode="popup" />
    </>
  );
}
