// aicado-embed/element: importing it defines <aicado-agent> (in a browser; on a server it defines nothing).
import { init } from 'aicado-embed';
import type { AgentInit } from '../at-load/core/handle.js';
import { defineAgentElement } from './define.js';

export type {
  AicadoAgentAttributes,
  AicadoAgentElement,
  AicadoAgentElementEventMap,
  AicadoAgentProperties,
  AicadoDomEventMap,
  AicadoEventDetail,
  ElementParams,
} from './types.js';

// The public init, seen untyped: its types check the page's code; markup's options it checks at run time.
defineAgentElement(init as AgentInit);
