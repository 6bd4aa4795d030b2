import { Component, type RefObject } from 'preact';
import { QUERY_LIMITS } from '../../contract/protocol.js';
import type { WidgetStrings } from '../../i18n/strings.js';

interface ComposerProps {
  strings: WidgetStrings;
  onSend: (text: string) => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** Given while an answer is on its way: a Stop button takes the place of Send. */
  onStop?: () => void;
}

/** Show the remaining characters once the visitor gets this close to the limit. */
const COUNT_VISIBLE_WITHIN = 400;

/** The text area and send button: Enter sends, Shift+Enter adds a line, it grows with the text. */
export class Composer extends Component<ComposerProps, { text: string }> {
  override state = { text: '' };

  readonly #submit = (event?: Event): void => {
    event?.preventDefault();
    const { text } = this.state;
    if (text.trim() === '') return;
    this.props.onSend(text);
    this.setState({ text: '' });
    const input = this.props.inputRef.current;
    if (input) input.style.height = 'auto';
  };

  override render({ strings, inputRef, onStop }: ComposerProps, { text }: { text: string }) {
    const empty = text.trim() === '';
    const maxLength = QUERY_LIMITS.maxInputLength;
    const submit = this.#submit;
    const grow = (element: HTMLTextAreaElement) => {
      // Set through CSSOM, which a strict Content-Security-Policy allows (style attributes it does not).
      element.style.height = 'auto';
      element.style.height = `${element.scrollHeight + 2}px`;
    };

    return (
      <form class="composer-wrap" onSubmit={submit}>
        {text.length >= maxLength - COUNT_VISIBLE_WITHIN && (
          <div class="count" aria-live="polite">
            {strings.charactersLeft.replace('{n}', String(maxLength - text.length))}
          </div>
        )}
        <div class="composer" part="composer">
          <textarea
            ref={inputRef}
            rows={1}
            // The text typed sets its own direction; empty, the placeholder follows the panel's (`auto` would make it ltr).
            dir={text ? 'auto' : undefined}
            value={text}
            maxLength={maxLength}
            placeholder={strings.placeholder}
            aria-label={strings.placeholder}
            onInput={(event) => {
              const element = event.currentTarget;
              this.setState({ text: element.value });
              grow(element);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
            }}
          />
          {onStop ? (
            <button type="button" class="stop" onClick={onStop}>
              {strings.stop}
            </button>
          ) : (
            <button type="submit" class="send" disabled={empty}>
              {strings.send}
            </button>
          )}
        </div>
      </form>
    );
  }
}
