// Compile-time contract of <aicado-agent>, checked against the published declarations of aicado-embed/element.
import 'aicado-embed/element';
import type { AicadoAgentElement, ElementParams } from 'aicado-embed/element';

const element = document.createElement('aicado-agent');
const typed: AicadoAgentElement = element; // HTMLElementTagNameMap knows the tag
document.querySelector('aicado-agent')?.open();

element.params = { user_id: 'u_1', plan: 'pro', seats: 3, trial: false, referrer: null, gone: undefined };
element.params = undefined;
element.signedParams = 'token';
void typed.send('hi').then((answer) => answer.output.toUpperCase());
const stop = element.on('response', (detail) => detail.output.length + detail.agentId.length);
stop();
element.addEventListener('aicado:error', (event) => event.detail.error.code);
document.addEventListener('aicado:delta', (event) => event.detail.text);
void typed.requestHandoff('wants a refund');
element.on('handoff', (detail) => detail.message.length + detail.conversationId.length);
document.addEventListener('aicado:handoff', (event) => event.detail.message);
// @ts-expect-error a reason is a string
void typed.requestHandoff(42);

// Restricted keys, in any letter case, are compile-time errors; so are values of the wrong type.
// @ts-expect-error a_id is restricted
element.params = { a_id: 1 };
// @ts-expect-error A_ID is restricted (case-insensitive)
element.params = { A_ID: 1 };
// @ts-expect-error MUser is restricted (case-insensitive)
element.params = { user_id: 'u', MUser: 'x' };
// @ts-expect-error nested object
element.params = { user: { id: 1 } };
// @ts-expect-error array
element.params = { tags: ['a'] };
// @ts-expect-error an unknown event
element.on('nope', () => {});

const fine: ElementParams = { Uid: 'x', at_home: true }; // not restricted: other keys
void fine;
