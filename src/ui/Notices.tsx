import { useAppStore } from '../store';

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismiss);
  if (!notices.length) return null;
  return (
    <ul className="notices" aria-label="Messages">
      {notices.map((n) => (
        <li
          key={n.id}
          className={`notice ${n.kind}`}
          role={n.kind === 'error' ? 'alert' : 'status'}
        >
          <span>{n.text}</span>
          <button type="button" aria-label="Dismiss message" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
