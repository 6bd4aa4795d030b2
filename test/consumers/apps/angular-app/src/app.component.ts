// An Angular app adding the agent as the README's Angular section shows: CUSTOM_ELEMENTS_SCHEMA, a
// signal for the params, an error listener on the element (Angular reads `(aicado:error)` as a global
// event target, so the listener goes through the element's on()).
import { CUSTOM_ELEMENTS_SCHEMA, Component, type ElementRef, computed, effect, signal, viewChild } from '@angular/core';
import type { AicadoAgentElement, ElementParams } from 'aicado-embed/element';

declare const AICADO_API_BASE: string;

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <h1>My Angular shop</h1>
      <button type="button" (click)="plan.set('pro')">Upgrade plan</button>
      <button type="button" (click)="breakParams()">Break params</button>
      <button type="button" (click)="shown.set(!shown())">Toggle chat</button>
      <p role="status">{{ lastError() }}</p>
      @if (shown()) {
        <aicado-agent agent-id="demo" [attr.api-base]="apiBase" storage="memory" [params]="params()" #agent></aicado-agent>
      }
    </main>
  `,
})
export class AppComponent {
  readonly apiBase = AICADO_API_BASE;
  readonly plan = signal<'free' | 'pro'>('free');
  readonly shown = signal(false);
  readonly lastError = signal('');
  // What an untyped source (a form, an API answer) might hand over: the element refuses it at run time.
  readonly untrusted = signal<ElementParams | undefined>(undefined);
  readonly params = computed<ElementParams>(() => this.untrusted() ?? { user_id: 'u_angular', plan: this.plan() });

  readonly agent = viewChild<ElementRef<AicadoAgentElement>>('agent');

  constructor() {
    effect((onCleanup) => {
      const element = this.agent()?.nativeElement;
      if (element) onCleanup(element.on('error', ({ error }) => this.lastError.set(error.message)));
    });
  }

  breakParams(): void {
    this.untrusted.set(JSON.parse('{"A_ID": 1}') as ElementParams);
  }
}
