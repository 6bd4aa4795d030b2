import type { Ref } from 'preact';
import { ChatIcon, CloseIcon } from './icons.js';
import type { WidgetStrings } from '../i18n/strings.js';

interface LauncherButtonProps {
  open: boolean;
  panelId: string;
  strings: WidgetStrings;
  onToggle: () => void;
  buttonRef: Ref<HTMLButtonElement>;
}

/** The round button that opens and closes the bubble panel. */
export function LauncherButton({ open, panelId, strings, onToggle, buttonRef }: LauncherButtonProps) {
  return (
    <button
      ref={buttonRef}
      type="button"
      class="launcher"
      part="launcher"
      aria-label={open ? strings.close : strings.open}
      aria-expanded={open ? 'true' : 'false'}
      aria-controls={panelId}
      onClick={onToggle}
    >
      {open ? <CloseIcon /> : <ChatIcon />}
    </button>
  );
}
