export const ELEMENT_TAG = 'aicado-agent';
