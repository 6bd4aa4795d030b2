// aicado-embed/element/react: the JavaScript of aicado-embed/element (it defines <aicado-agent>), with
// declarations that also type the element for React 19's JSX.
// React 19 sets `params` and `signedParams` as properties (the element has them), the other attributes as strings.
import type * as React from 'react';
import type { AicadoAgentElement, AicadoAgentProperties } from 'aicado-embed/element';

export * from 'aicado-embed/element';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'aicado-agent': React.DetailedHTMLProps<React.HTMLAttributes<AicadoAgentElement>, AicadoAgentElement> & AicadoAgentProperties;
    }
  }
}
