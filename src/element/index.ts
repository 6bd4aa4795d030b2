// aicado-embed/element: importing it defines <aicado-agent> (in a browser; on a server it defines nothing).
import { init } from 'aicado-embed';
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

defineAgentElement(init);
