import { useState } from 'react';
import type { ReactNode } from 'react';

/**
 * A region that takes dropped files: highlighted (`over`) while something is dragged over it;
 * `onDrop` gets the drop's DataTransfer (read it at once: it empties after the handler).
 */
export function DropZone({
  as: Element = 'div',
  className,
  label,
  testId,
  onDrop,
  children,
}: {
  /** A `label` wraps a file input, so a click on the zone opens the picker. */
  as?: 'div' | 'label';
  /** `<className>` normally, `<className> over` while dragged over. */
  className: string;
  /** What to drop here, for screen readers (the zone is then a labelled region). */
  label?: string;
  testId?: string;
  onDrop: (data: DataTransfer) => void;
  children: ReactNode;
}) {
  const [over, setOver] = useState(false);
  return (
    <Element
      className={over ? `${className} over` : className}
      {...(label ? { role: 'region', 'aria-label': label } : {})}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        onDrop(e.dataTransfer);
      }}
    >
      {children}
    </Element>
  );
}
