/** The element's tag name. */
export const ELEMENT_TAG = 'aicado-agent';
